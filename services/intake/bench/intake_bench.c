/* intake_bench: intake's throughput on the real path, each against a raw COPY baseline
 * measured in the same run on the same PostgreSQL:
 *   intake.import_200k_people_s   `fcctl import people` of 200k people (client parse, chunks,
 *                                  server validation, upsert, spouse links, outbox events)
 *   intake.checkin_rows_per_s     health check-ins client -> ZeroMQ -> intake -> PostgreSQL +
 *                                  outbox, in batches, against COPY of the same rows into a
 *                                  plain table
 * Prints one JSON object per line: {"name","value","unit","baseline","ratio"}.
 * Environment from tests/harness/with-env.sh; BENCH_PEOPLE / BENCH_CHECKINS / BENCH_BATCH
 * shrink or grow the run, BENCH_CLIENTS (default 2) sets how many clients send at once. */
#include "fc_harness.h"
#include "fc_endpoints.h"
#include "fc_mem.h"
#include "fc_rpc.h"
#include "fc/v1/intake.pb-c.h"

#include <libpq-fe.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

static void s_die(const char *what)
{
    fprintf(stderr, "intake_bench: %s\n", what);
    exit(1);
}

static void s_sql(PGconn *db, const char *sql)
{
    PGresult *r = PQexec(db, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) {
        fprintf(stderr, "intake_bench: %s: %s", sql, PQerrorMessage(db));
        exit(1);
    }
    PQclear(r);
}

/* Before a measurement: no autovacuum or checkpoint left over from the previous phase. */
static void s_settle(PGconn *db)
{
    s_sql(db, "VACUUM ANALYZE");
    s_sql(db, "CHECKPOINT");
}

/* COPY rows (text format) into a fresh plain table of the given columns; seconds taken. */
static double s_copy_once(PGconn *db, const char *columns, const fc_buf_t *rows)
{
    s_sql(db, "SET client_min_messages = warning");
    s_sql(db, "CREATE SCHEMA IF NOT EXISTS bench");
    s_sql(db, "DROP TABLE IF EXISTS bench.copy_baseline");
    char *create = fc_xasprintf("CREATE TABLE bench.copy_baseline (%s)", columns);
    s_sql(db, create);
    free(create);
    s_settle(db);
    double t0 = s_now();
    s_sql(db, "BEGIN");
    PGresult *r = PQexec(db, "COPY bench.copy_baseline FROM STDIN");
    if (PQresultStatus(r) != PGRES_COPY_IN)
        s_die("COPY did not start");
    PQclear(r);
    for (size_t off = 0; off < rows->len; off += 1 << 20) {
        size_t k = rows->len - off < (1u << 20) ? rows->len - off : (1u << 20);
        if (PQputCopyData(db, rows->data + off, (int)k) != 1)
            s_die("COPY data failed");
    }
    if (PQputCopyEnd(db, NULL) != 1)
        s_die("COPY end failed");
    while ((r = PQgetResult(db)) != NULL) {
        if (PQresultStatus(r) != PGRES_COMMAND_OK)
            s_die(PQerrorMessage(db));
        PQclear(r);
    }
    s_sql(db, "COMMIT");
    double t = s_now() - t0;
    s_settle(db);
    s_sql(db, "DROP SCHEMA bench CASCADE");
    return t;
}

/* One client thread: check-ins [first, end) in batches, each call waiting for its reply. */
typedef struct {
    long first, end, n_people, batch;
    int ok;
} bench_client_t;

static void *s_client(void *arg)
{
    bench_client_t *b = arg;
    Fc__V1__HealthCheckin *items = fc_xcalloc((size_t)b->batch, sizeof *items);
    Fc__V1__HealthCheckin **ptrs = fc_xcalloc((size_t)b->batch, sizeof *ptrs);
    char(*emp)[16] = fc_xcalloc((size_t)b->batch, sizeof *emp);
    char *sym[] = {"咳嗽"};
    fc_rpc_client_opts_t opts = {"bench", "service", "", 120000, 2, NULL};
    fc_rpc_client_t *c = fc_rpc_client_new(NULL, fc_endpoint_of("intake"), &opts);
    b->ok = c != NULL;
    for (long done = b->first; b->ok && done < b->end;) {
        long k = b->end - done < b->batch ? b->end - done : b->batch;
        for (long i = 0; i < k; i++) {
            long who = (done + i) % b->n_people;
            fc__v1__health_checkin__init(&items[i]);
            snprintf(emp[i], sizeof emp[i], "W%06ld", who);
            items[i].employee_no = emp[i];
            items[i].temperature_dc = 360 + (int)(who % 14);
            if (who % 50 == 0) {
                items[i].symptoms = sym;
                items[i].n_symptoms = 1;
            }
            ptrs[i] = &items[i];
        }
        Fc__V1__HealthCheckinRequest req = FC__V1__HEALTH_CHECKIN_REQUEST__INIT;
        req.checkins = ptrs;
        req.n_checkins = (size_t)k;
        ProtobufCMessage *reply = NULL;
        fc_err_t err;
        if (fc_rpc_call(c, "intake.health_checkin", &req.base,
                        &fc__v1__health_checkin_reply__descriptor, &reply, NULL, &err) != FC_OK) {
            fprintf(stderr, "intake_bench: check-in batch failed: %s: %s\n", err.field,
                    err.message);
            b->ok = 0;
        }
        protobuf_c_message_free_unpacked(reply, NULL);
        done += k;
    }
    fc_rpc_client_destroy(&c);
    free(items);
    free(ptrs);
    free(emp);
    return NULL;
}

static int s_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The median of three runs: one COPY is noisy on a small shared machine. */
static double s_copy_baseline(PGconn *db, const char *columns, const fc_buf_t *rows)
{
    double t[3];
    for (int i = 0; i < 3; i++)
        t[i] = s_copy_once(db, columns, rows);
    qsort(t, 3, sizeof t[0], s_cmp_double);
    return t[1];
}

static void s_result(const char *name, double value, const char *unit, double baseline)
{
    printf("{\"name\": \"%s\", \"value\": %.3f, \"unit\": \"%s\", \"baseline\": %.3f, "
           "\"ratio\": %.3f}\n",
           name, value, unit, baseline, baseline > 0 ? value / baseline : 0.0);
    fflush(stdout);
}

int main(void)
{
    long n_people = s_env("BENCH_PEOPLE", 200000);
    long n_checkins = s_env("BENCH_CHECKINS", 200000);
    long batch = s_env("BENCH_BATCH", 5000);
    fc_h_init("intake_bench");
    fc_h_reset();
    pid_t intake = fc_h_up("intake", NULL);
    PGconn *db = fc_h_db();
    const char *dir = getenv("FC_TEST_LOG_DIR");
    char *csv = fc_xasprintf("%s/bench-people.csv", dir ? dir : "/tmp");

    /* ---- the org tree, then 200k people from CSV ---- */
    FILE *f = fopen(csv, "w");
    if (!f)
        s_die("could not write the people file");
    fputs("org_code,parent_code,name,kind,liaison_unit\nG,,集团,group,0\n", f);
    for (int s = 0; s < 50; s++) {
        fprintf(f, "S%02d,G,子公司%02d,subsidiary,0\n", s, s);
        for (int b = 0; b < 20; b++)
            fprintf(f, "S%02dB%02d,S%02d,支部%02d,branch,0\n", s, b, s, b);
    }
    fclose(f);
    if (fc_h_fcctl(NULL, "import org %s >/dev/null", csv) != 0)
        s_die("org import failed");
    fc_buf_t rows;
    fc_buf_init(&rows);
    f = fopen(csv, "w");
    fputs("employee_no,name,phone,org_code,party_status,cadre_level,leadership_team,young_cadre,"
          "reserve_pool,medical_staff,aid_team,spouse_employee_no,cares_for_elderly,"
          "cares_for_children,fit_for_frontline\n",
          f);
    for (long i = 0; i < n_people; i++) {
        char sp[16] = "";
        if (i % 10 == 0 && i + 1 < n_people)
            snprintf(sp, sizeof sp, "W%06ld", i + 1);
        else if (i % 10 == 1)
            snprintf(sp, sizeof sp, "W%06ld", i - 1);
        char line[256];
        int n = snprintf(line, sizeof line,
                         "W%06ld,职工%06ld,138%08ld,S%02ldB%02ld,%s,none,0,%d,0,0,0,%s,%d,%d,1\n",
                         i, i, i, i % 50, (i / 50) % 20, i % 3 ? "member" : "none", i % 7 == 0, sp,
                         i % 5 == 0, i % 4 == 0);
        fputs(line, f);
        fc_buf_append(&rows, line, (size_t)n);
    }
    fclose(f);
    /* the same rows as COPY text: commas to tabs (no field holds a comma or a tab) */
    for (size_t i = 0; i < rows.len; i++)
        if (rows.data[i] == ',')
            rows.data[i] = '\t';
    double copy_people = s_copy_baseline(
        db,
        "employee_no text, name text, phone text, org_code text, party_status text,"
        " cadre_level text, leadership_team int, young_cadre int, reserve_pool int,"
        " medical_staff int, aid_team int, spouse_employee_no text, cares_for_elderly int,"
        " cares_for_children int, fit_for_frontline int",
        &rows);
    s_settle(db);
    double t0 = s_now();
    if (fc_h_fcctl(NULL, "--timeout 600000 import people %s >/dev/null 2>&1", csv) != 0)
        s_die("people import failed");
    double import_s = s_now() - t0;
    if (fc_h_scalar("SELECT count(*) FROM intake.person") != n_people)
        s_die("people import did not store every person");
    s_result("intake.import_200k_people_s", import_s, "s", copy_people);

    /* ---- health check-ins through the whole path, from BENCH_CLIENTS clients at once ---- */
    fc_buf_reset(&rows);
    for (long i = 0; i < n_checkins; i++) {
        long who = i % n_people;
        fc_buf_printf(&rows, "W%06ld\t%d\t{%s}\t\t2026-11-22 00:%02ld:00+00\n", who,
                      360 + (int)(who % 14), who % 50 == 0 ? "咳嗽" : "", i % 60);
    }
    /* the import's events first reach Redis, so its relay does not run into this phase, and
     * the database settles (autovacuum of 200k fresh rows, a checkpoint) before measuring */
    fc_h_wait_scalar("SELECT count(*) FROM intake.outbox WHERE published_at IS NULL", 0, 600000);
    s_settle(db);
    long n_clients = s_env("BENCH_CLIENTS", 2);
    if (n_clients < 1 || n_clients > 16)
        n_clients = 2;
    long long outbox0 = fc_h_scalar("SELECT count(*) FROM intake.outbox");
    bench_client_t cl[16];
    pthread_t th[16];
    double t1 = s_now();
    for (long k = 0; k < n_clients; k++) {
        cl[k].first = n_checkins * k / n_clients;
        cl[k].end = n_checkins * (k + 1) / n_clients;
        cl[k].n_people = n_people;
        cl[k].batch = batch;
        cl[k].ok = 0;
        pthread_create(&th[k], NULL, s_client, &cl[k]);
    }
    int ok = 1;
    for (long k = 0; k < n_clients; k++) {
        pthread_join(th[k], NULL);
        ok &= cl[k].ok;
    }
    double busy = s_now() - t1;
    fprintf(stderr, "intake_bench: %lld of %ld check-in events already relayed to redis\n",
            fc_h_scalar("SELECT count(*) FROM intake.outbox WHERE published_at IS NOT NULL"
                        " AND type = 'intake.health_checked_in'"),
            n_checkins);
    if (!ok)
        s_die("a check-in batch failed");
    if (fc_h_scalar("SELECT count(*) FROM intake.health_checkin") != n_checkins ||
        fc_h_scalar("SELECT count(*) FROM intake.outbox") - outbox0 != n_checkins)
        s_die("check-ins or their events are missing");
    double copy_checkins = s_copy_baseline(
        db, "employee_no text, temperature_dc int, symptoms text[], note text, at timestamptz",
        &rows);
    s_result("intake.checkin_rows_per_s", (double)n_checkins / busy, "rows/s",
             (double)n_checkins / copy_checkins);

    fc_buf_fini(&rows);
    remove(csv);
    free(csv);
    fc_h_stop(intake, SIGTERM, 30000);
    return 0;
}

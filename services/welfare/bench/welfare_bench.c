/* welfare_bench: how fast money moves when sixteen clients work one subsidiary's budgets, as
 * JSON lines on stdout. The baseline, measured in the same run on the same PostgreSQL: plain
 * single-row "UPDATE ... SET balance = balance - x" transactions from sixteen connections on
 * one row. Figures:
 *   welfare.transfers_per_s         fund allocations (one balanced double-entry transfer each,
 *                                   locked check, outbox event, stored reply) through fc-welfare
 *   welfare.payments_per_s          auto-approved payment requests through fc-welfare (reserve
 *                                   and post: two transfers, the disbursement, its audit trail,
 *                                   three events)
 *   welfare.ledger_transfers_per_s  the same allocations through the flow code straight on
 *                                   PostgreSQL (no ZeroMQ, no service loop)
 * Environment (from tests/harness/with-env.sh): FC_PG_ADMIN_URL, FC_PG_URL, FC_BIN_DIR, ...;
 * WELFARE_BENCH_SECONDS (default 5) per figure, WELFARE_BENCH_REPLICAS (default 2). */
#include "welfare_check.h"
#include "welfare_flow.h"
#include "fc_clock.h"
#include "fc_harness.h"
#include "fc_health.h"
#include "fc_id.h"
#include "fc_log.h"
#include "fc_mem.h"
#include "fc_outbox.h"
#include "fc_rpc.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_CLIENTS 16
#define MAX_REPLICAS 8

static const char *s_funds[] = {"special_party_fee", "matching", "retained_party_fee",
                                "epidemic_subsidy"};
static int g_seconds = 5, g_replicas = 2;
static char g_endpoints[MAX_REPLICAS][64];
static welfare_policy_t g_policy;

static void s_die(const char *what, const char *detail)
{
    fprintf(stderr, "welfare_bench: %s: %s\n", what, detail ? detail : "");
    exit(1);
}

static void s_sql(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
        s_die(sql, PQerrorMessage(c));
    PQclear(r);
}

typedef struct {
    int index;
    long long done, failed;
    double elapsed;
} s_worker_t;

static double s_now(void)
{
    return (double)fc_clock_mono_ms() / 1000.0;
}

/* Runs fn on N_CLIENTS threads for g_seconds; returns operations per second. */
static double s_measure(void *(*fn)(void *), long long *failed_out)
{
    pthread_t t[N_CLIENTS];
    s_worker_t w[N_CLIENTS];
    memset(w, 0, sizeof w);
    for (int i = 0; i < N_CLIENTS; i++) {
        w[i].index = i;
        pthread_create(&t[i], NULL, fn, &w[i]);
    }
    long long done = 0, failed = 0;
    double elapsed = 0;
    for (int i = 0; i < N_CLIENTS; i++) {
        pthread_join(t[i], NULL);
        done += w[i].done;
        failed += w[i].failed;
        if (w[i].elapsed > elapsed)
            elapsed = w[i].elapsed;
    }
    if (failed_out)
        *failed_out = failed;
    return elapsed > 0 ? (double)done / elapsed : 0;
}

/* ---- the baseline ---------------------------------------------------------------------------- */

static void *on_baseline(void *arg)
{
    s_worker_t *w = arg;
    PGconn *c = PQconnectdb(getenv("FC_PG_ADMIN_URL"));
    if (PQstatus(c) != CONNECTION_OK)
        s_die("connect", PQerrorMessage(c));
    double t0 = s_now(), end = t0 + g_seconds;
    while (s_now() < end) {
        PGresult *r = PQexecParams(c,
                                   "UPDATE welfare_bench.balance SET balance = balance - $1"
                                   " WHERE id = 1",
                                   1, NULL, (const char *[]){"1"}, NULL, NULL, 0);
        if (PQresultStatus(r) == PGRES_COMMAND_OK)
            w->done++;
        else
            w->failed++;
        PQclear(r);
    }
    w->elapsed = s_now() - t0;
    PQfinish(c);
    return NULL;
}

/* ---- through the service ------------------------------------------------------------------- */

static fc_rpc_client_t *s_client(int index)
{
    fc_rpc_client_opts_t o = {.actor_id = "bench",
                              .actor_role = "group_admin",
                              .org_scope = "G",
                              .timeout_ms = 10000,
                              .retries = 2};
    fc_rpc_client_t *c = fc_rpc_client_new(NULL, g_endpoints[index % g_replicas], &o);
    if (!c)
        s_die("rpc client", g_endpoints[index % g_replicas]);
    return c;
}

static void *on_allocate(void *arg)
{
    s_worker_t *w = arg;
    fc_rpc_client_t *c = s_client(w->index);
    char to[16];
    snprintf(to, sizeof to, "B%d", w->index + 1);
    double t0 = s_now(), end = t0 + g_seconds;
    for (long long i = 0; s_now() < end; i++) {
        Fc__V1__FundsAllocateRequest r = FC__V1__FUNDS_ALLOCATE_REQUEST__INIT;
        r.from_org = "S1";
        r.to_org = to;
        r.fund = (char *)s_funds[i % 4];
        r.amount_fen = 100;
        ProtobufCMessage *reply = NULL;
        fc_err_t err;
        int rc = fc_rpc_call(c, "welfare.funds_allocate", &r.base,
                             &fc__v1__funds_transfer_reply__descriptor, &reply, NULL, &err);
        if (rc == FC_OK)
            w->done++;
        else
            w->failed++;
        if (reply)
            protobuf_c_message_free_unpacked(reply, NULL);
    }
    w->elapsed = s_now() - t0;
    fc_rpc_client_destroy(&c);
    return NULL;
}

static void *on_pay(void *arg)
{
    s_worker_t *w = arg;
    fc_rpc_client_t *c = s_client(w->index);
    char emp[16];
    snprintf(emp, sizeof emp, "P%d", w->index + 1);
    double t0 = s_now(), end = t0 + g_seconds;
    for (long long i = 0; s_now() < end; i++) {
        char key[48];
        snprintf(key, sizeof key, "bench-%d-%lld", w->index, i);
        Fc__V1__PayRequest r = FC__V1__PAY_REQUEST__INIT;
        r.idempotency_key = key;
        r.employee_no = emp;
        r.kind = "epidemic_allowance";
        r.amount_fen = 1000;
        ProtobufCMessage *reply = NULL;
        fc_err_t err;
        int rc = fc_rpc_call(c, "welfare.pay_request", &r.base, &fc__v1__pay_reply__descriptor,
                             &reply, NULL, &err);
        if (rc == FC_OK && strcmp(((Fc__V1__PayReply *)reply)->disbursement->state, "paid") == 0)
            w->done++;
        else
            w->failed++;
        if (reply)
            protobuf_c_message_free_unpacked(reply, NULL);
    }
    w->elapsed = s_now() - t0;
    fc_rpc_client_destroy(&c);
    return NULL;
}

/* ---- straight on PostgreSQL --------------------------------------------------------------- */

static int s_publish(void *arg, const char *type, const ProtobufCMessage *ev, int64_t at_us,
                     fc_err_t *err)
{
    return fc_outbox_add((fc_pg_t *)arg, FC_STREAM_PREFIX "welfare", type, ev, at_us, NULL, err);
}

static void *on_ledger(void *arg)
{
    s_worker_t *w = arg;
    fc_err_t err;
    fc_pg_opts_t o = {.url = getenv("FC_PG_URL"),
                      .user = "fc_welfare",
                      .schema = "welfare",
                      .app_name = "welfare-bench",
                      .connect_wait_s = 10};
    fc_pg_t *pg = fc_pg_new(&o, &err);
    if (!pg)
        s_die("connect as fc_welfare", err.message);
    fc_arena_t *arena = fc_arena_new(16 * 1024);
    char to[16];
    snprintf(to, sizeof to, "B%d", w->index + 1);
    double t0 = s_now(), end = t0 + g_seconds;
    for (long long i = 0; s_now() < end; i++) {
        welfare_ctx_t c = {pg,      &g_policy, s_publish, pg, arena, fc_clock_now_us(),
                           "bench", "service", ""};
        welfare_moved_t moved;
        int rc = fc_pg_begin(pg, &err);
        if (rc == FC_OK)
            rc = welfare_flow_allocate(&c, "S1", to, (int)(i % 4), 100, "", &moved, &err);
        if (rc == FC_OK)
            rc = fc_pg_commit(pg, &err);
        if (rc != FC_OK)
            fc_pg_rollback(pg);
        fc_arena_reset(arena);
        if (rc == FC_OK)
            w->done++;
        else
            w->failed++;
    }
    w->elapsed = s_now() - t0;
    fc_arena_destroy(&arena);
    fc_pg_destroy(&pg);
    return NULL;
}

/* ---- set-up ---------------------------------------------------------------------------------- */

static void s_call(const char *type, const ProtobufCMessage *req,
                   const ProtobufCMessageDescriptor *desc)
{
    fc_rpc_client_t *c = s_client(0);
    ProtobufCMessage *reply = NULL;
    fc_err_t err;
    if (fc_rpc_call(c, type, req, desc, &reply, NULL, &err) != FC_OK)
        s_die(type, err.message);
    protobuf_c_message_free_unpacked(reply, NULL);
    fc_rpc_client_destroy(&c);
}

static void s_books(void)
{
    PGconn *db = fc_h_db();
    /* the projections welfare keeps from intake's events, written directly for the bench */
    s_sql(db, "INSERT INTO welfare.org_unit (org_code, parent_code, name, kind, updated_at_us)"
              " VALUES ('G', NULL, '集团', 'group', 1), ('S1', 'G', '子公司', 'subsidiary', 1)");
    s_sql(db, "INSERT INTO welfare.org_unit (org_code, parent_code, name, kind, updated_at_us)"
              " SELECT 'B' || i, 'S1', '支部' || i, 'branch', 1 FROM generate_series(1, 16) i");
    s_sql(db, "INSERT INTO welfare.person (employee_no, name, org_code, updated_at_us)"
              " SELECT 'P' || i, '职工' || i, 'B' || i, 1 FROM generate_series(1, 16) i");
    for (int f = 0; f < 4; f++) {
        Fc__V1__FundsInflowRequest in = FC__V1__FUNDS_INFLOW_REQUEST__INIT;
        in.org_code = "G";
        in.fund = (char *)s_funds[f];
        in.kind = f == 1 ? "match" : "topup";
        in.amount_fen = INT64_C(100000000000);
        s_call("welfare.funds_inflow", &in.base, &fc__v1__funds_transfer_reply__descriptor);
        Fc__V1__FundsAllocateRequest al = FC__V1__FUNDS_ALLOCATE_REQUEST__INIT;
        al.from_org = "G";
        al.to_org = "S1";
        al.fund = (char *)s_funds[f];
        al.amount_fen = INT64_C(90000000000);
        s_call("welfare.funds_allocate", &al.base, &fc__v1__funds_transfer_reply__descriptor);
    }
}

static void s_print(const char *name, double value, const char *unit, double baseline)
{
    printf("{\"name\": \"%s\", \"value\": %.1f, \"unit\": \"%s\", \"baseline\": %.1f,"
           " \"ratio\": %.3f}\n",
           name, value, unit, baseline, baseline > 0 ? value / baseline : 0);
    fflush(stdout);
}

int main(void)
{
    const char *s = getenv("WELFARE_BENCH_SECONDS"), *r = getenv("WELFARE_BENCH_REPLICAS");
    g_seconds = s && atoi(s) > 0 ? atoi(s) : 5;
    g_replicas = r && atoi(r) > 0 ? atoi(r) : 2;
    if (g_replicas > MAX_REPLICAS)
        g_replicas = MAX_REPLICAS;
    fc_log_init("welfare-bench", FC_LOG_ERROR);
    fc_h_init("welfare_bench");
    fc_h_reset();
    fc_err_t err;
    if (welfare_policy_load(FC_SOURCE_DIR "/infra/policy", &g_policy, &err) != FC_OK)
        s_die("policy", err.message);

    /* fc-welfare replicas on ports of the test slot */
    const char *base = getenv("FC_TEST_PORT_BASE");
    int port = base ? atoi(base) + 20 : 5760;
    pid_t pids[MAX_REPLICAS];
    static char listen_env[MAX_REPLICAS][96];
    for (int i = 0; i < g_replicas; i++) {
        snprintf(g_endpoints[i], sizeof g_endpoints[i], "tcp://127.0.0.1:%d", port + i);
        snprintf(listen_env[i], sizeof listen_env[i], "FC_LISTEN=%s", g_endpoints[i]);
        const char *env[] = {listen_env[i], "FC_LOG_LEVEL=warn", NULL};
        pids[i] = fc_h_start("welfare", env);
        int up = 0;
        for (int t = 0; t < 400 && !up; t++) {
            Fc__V1__HealthReply *h = NULL;
            if (fc_health_query(NULL, g_endpoints[i], 300, &h, &err) == FC_OK) {
                up = h->db_ok && h->redis_ok;
                fc__v1__health_reply__free_unpacked(h, NULL);
            }
            if (!up)
                fc_h_sleep_ms(50);
        }
        if (!up)
            s_die("fc-welfare did not come up at", g_endpoints[i]);
    }
    s_books();

    /* the baseline: one hot row, sixteen connections */
    s_sql(fc_h_db(), "DROP SCHEMA IF EXISTS welfare_bench CASCADE; CREATE SCHEMA welfare_bench;"
                     " CREATE TABLE welfare_bench.balance (id int PRIMARY KEY, balance bigint);"
                     " INSERT INTO welfare_bench.balance VALUES (1, 1000000000000000)");
    double baseline = s_measure(on_baseline, NULL);
    s_sql(fc_h_db(), "DROP SCHEMA welfare_bench CASCADE");

    long long failed = 0;
    double transfers = s_measure(on_allocate, &failed);
    if (failed)
        fprintf(stderr, "welfare_bench: %lld allocations failed\n", failed);
    s_print("welfare.transfers_per_s", transfers, "transfers/s", baseline);
    double payments = s_measure(on_pay, &failed);
    if (failed)
        fprintf(stderr, "welfare_bench: %lld payments not paid at once\n", failed);
    s_print("welfare.payments_per_s", payments, "payments/s", baseline);
    double ledger = s_measure(on_ledger, &failed);
    if (failed)
        fprintf(stderr, "welfare_bench: %lld ledger transfers failed\n", failed);
    s_print("welfare.ledger_transfers_per_s", ledger, "transfers/s", baseline);

    for (int i = 0; i < g_replicas; i++)
        fc_h_stop(pids[i], SIGTERM, 20000);
    /* what was measured must also be right */
    fc_pg_opts_t o = {.url = getenv("FC_PG_URL"),
                      .user = "fc_welfare",
                      .schema = "welfare",
                      .app_name = "welfare-bench",
                      .connect_wait_s = 10};
    fc_pg_t *pg = fc_pg_new(&o, &err);
    welfare_check_t *chk = welfare_check_new();
    int rc = pg ? welfare_check_run(chk, pg, &err) : FC_ERR;
    int ok = rc == FC_OK && chk->ok;
    if (!ok)
        fprintf(stderr, "welfare_bench: the books do not check out after the run (%s)\n",
                chk->nkept ? chk->violations[0] : err.message);
    welfare_check_destroy(&chk);
    fc_pg_destroy(&pg);
    return ok ? 0 : 1;
}

/* test_welfare_ledger: the ledger where it lives, in PostgreSQL, without the service in
 * between: the database itself refuses a negative balance, an edited or deleted ledger row and
 * an unbalanced transfer; ledger_transfer refuses what the source does not hold; sixteen
 * connections hammering one budget through the flow code (requests, approvals, rejections,
 * reversals, allocations, top-ups) never take it below zero, never deadlock, and leave books
 * the checker passes; and the checker names each kind of corruption a superuser can cause. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "welfare_test.h"
#include "welfare_flow.h"
#include "welfare_store.h"
#include "fc_clock.h"
#include "fc_harness.h"
#include "fc_mem.h"
#include "fc_outbox.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_CLIENTS 16
#define OPS_PER_CLIENT 60

static wt_t *g;
static welfare_policy_t g_policy;

static int s_publish(void *arg, const char *type, const ProtobufCMessage *ev, int64_t at_us,
                     fc_err_t *err)
{
    return fc_outbox_add((fc_pg_t *)arg, FC_STREAM_PREFIX "welfare", type, ev, at_us, NULL, err);
}

static void s_ctx(welfare_ctx_t *c, fc_pg_t *pg, fc_arena_t *arena, const char *actor)
{
    memset(c, 0, sizeof *c);
    c->pg = pg;
    c->policy = &g_policy;
    c->publish = s_publish;
    c->publish_arg = pg;
    c->arena = arena;
    c->now_us = fc_clock_now_us();
    c->actor = actor;
    c->role = "service";
    c->scope = "";
}

static void s_org(const char *code, const char *parent, const char *kind)
{
    Fc__V1__OrgUnit u = FC__V1__ORG_UNIT__INIT;
    u.org_code = (char *)code;
    u.parent_code = (char *)(parent ? parent : "");
    u.name = (char *)code;
    u.kind = (char *)kind;
    fc_err_t err;
    assert_int_equal(welfare_store_org_upsert(g->pg, &u, 1, &err), FC_OK);
}

static void s_person(const char *emp, const char *org)
{
    Fc__V1__Person p = FC__V1__PERSON__INIT;
    p.employee_no = (char *)emp;
    p.name = (char *)emp;
    p.org_code = (char *)org;
    fc_err_t err;
    assert_int_equal(welfare_store_person_upsert(g->pg, &p, 1, &err), FC_OK);
}

static int s_setup(void **state)
{
    (void)state;
    g = wt_new("test_welfare_ledger");
    wt_migrate(g);
    fc_err_t err;
    assert_int_equal(welfare_policy_load(g->dir, &g_policy, &err), FC_OK);
    s_org("G", NULL, "group");
    s_org("S1", "G", "subsidiary");
    s_org("B1", "S1", "branch");
    s_org("B2", "S1", "branch");
    for (int i = 0; i < 8; i++) {
        char emp[16];
        snprintf(emp, sizeof emp, "P%d", i);
        s_person(emp, i % 2 ? "B1" : "B2");
    }
    return 0;
}

static int s_teardown(void **state)
{
    (void)state;
    wt_destroy(&g);
    return 0;
}

/* Moves money with the flow layer in a transaction of its own. */
static void s_inflow(const char *org, int fund, int64_t fen)
{
    fc_arena_t *arena = fc_arena_new(4096);
    welfare_ctx_t c;
    s_ctx(&c, g->pg, arena, "test");
    welfare_moved_t moved;
    fc_err_t err;
    assert_int_equal(fc_pg_begin(g->pg, &err), FC_OK);
    int rc = welfare_flow_inflow(&c, org, fund, "topup", fen, "", &moved, &err);
    if (rc != FC_OK)
        print_error("inflow: %s\n", err.message);
    assert_int_equal(rc, FC_OK);
    assert_int_equal(fc_pg_commit(g->pg, &err), FC_OK);
    fc_arena_destroy(&arena);
}

static int64_t s_account(const char *kind, const char *org, int fund)
{
    int64_t id = 0;
    fc_err_t err;
    assert_int_equal(welfare_store_account(g->pg, kind, org, fund, &id, &err), FC_OK);
    return id;
}

static void test_database_refuses(void **state)
{
    (void)state;
    fc_err_t err;
    s_inflow("S1", WELFARE_FUND_MATCHING, 1000);
    int64_t budget = s_account("budget", "S1", WELFARE_FUND_MATCHING);
    int64_t b1 = s_account("budget", "B1", WELFARE_FUND_MATCHING);
    /* a negative balance, whoever writes it */
    assert_int_equal(fc_pg_cmd(g->pg, "UPDATE account SET balance = -1 WHERE kind = 'budget'", 0,
                               NULL, NULL, &err),
                     FC_EINVAL);
    assert_string_equal(err.field, "account_balance_nonnegative");
    /* the ledger is append-only */
    assert_int_equal(fc_pg_cmd(g->pg, "UPDATE entry SET amount = amount * 2", 0, NULL, NULL, &err),
                     FC_EINVAL);
    assert_string_equal(err.field, "ledger_append_only");
    assert_int_equal(fc_pg_cmd(g->pg, "DELETE FROM transfer", 0, NULL, NULL, &err), FC_EINVAL);
    assert_int_equal(fc_pg_cmd(g->pg, "TRUNCATE entry", 0, NULL, NULL, &err), FC_EINVAL);
    /* a transfer whose entries do not sum to zero does not commit */
    assert_int_equal(fc_pg_begin(g->pg, &err), FC_OK);
    assert_int_equal(fc_pg_cmd(g->pg,
                               "WITH t AS (INSERT INTO transfer (kind, amount, at_us)"
                               " VALUES ('allocate', 5, 1) RETURNING id)"
                               " INSERT INTO entry (transfer_id, account_id, amount, at_us)"
                               " SELECT id, 1, -5, 1 FROM t",
                               0, NULL, NULL, &err),
                     FC_OK);
    assert_int_equal(fc_pg_commit(g->pg, &err), FC_EINVAL);
    assert_string_equal(err.field, "transfer_balanced");
    fc_pg_rollback(g->pg);
    /* the transfer function: what the source does not hold does not move */
    int64_t tid = -1, left = -1;
    assert_int_equal(welfare_store_transfer(g->pg, "allocate", budget, b1, 1001, 0, "t", "", 1,
                                            &tid, &left, &err),
                     FC_OK);
    assert_int_equal(tid, 0);
    assert_int_equal(left, 1000);
    assert_int_equal(
        welfare_store_transfer(g->pg, "allocate", budget, b1, 0, 0, "t", "", 1, &tid, &left, &err),
        FC_EINVAL);
    assert_int_equal(
        welfare_store_transfer(g->pg, "allocate", budget, b1, -7, 0, "t", "", 1, &tid, &left, &err),
        FC_EINVAL);
    assert_int_equal(welfare_store_transfer(g->pg, "allocate", budget, 999999, 1, 0, "t", "", 1,
                                            &tid, &left, &err),
                     FC_ENOTFOUND);
    assert_int_equal(welfare_store_transfer(g->pg, "allocate", budget, budget, 1, 0, "t", "", 1,
                                            &tid, &left, &err),
                     FC_EINVAL);
    /* an overflowing balance is refused by PostgreSQL, not wrapped */
    int64_t ext = s_account("external", "S1", WELFARE_FUND_MATCHING);
    assert_int_equal(welfare_store_transfer(g->pg, "inflow_topup", ext, budget, INT64_MAX - 10, 0,
                                            "t", "", 1, &tid, &left, &err),
                     FC_EINVAL);
    assert_int_equal(wt_balance("budget", "S1", "matching"), 1000);
    assert_int_equal(welfare_store_transfer(g->pg, "allocate", budget, b1, 1000, 0, "t", "", 1,
                                            &tid, &left, &err),
                     FC_OK);
    assert_true(tid > 0);
    assert_int_equal(left, 0);
    wt_assert_invariants(g);
}

/* ---- sixteen clients on one budget ------------------------------------------------------- */

typedef struct {
    int index;
    unsigned seed;
    int requests, queued, approved, rejected, reversed, moved;
    int deadlocks, retries, failures;
    char last_error[256];
} s_client_t;

static unsigned s_rand(unsigned *s)
{
    *s = *s * 1103515245u + 12345u;
    return (*s >> 8) & 0xffffff;
}

/* One step in its own transaction, retried on a transient failure; 1 = committed. */
static int s_step(s_client_t *cl, fc_pg_t *pg, fc_arena_t *arena, int op, int64_t arg)
{
    for (int attempt = 0; attempt < 50; attempt++) {
        welfare_ctx_t c;
        char actor[32];
        snprintf(actor, sizeof actor, "client%d", cl->index);
        s_ctx(&c, pg, arena, actor);
        fc_err_t err;
        fc_err_clear(&err);
        int rc = fc_pg_begin(pg, &err);
        welfare_disb_t *d = NULL;
        welfare_moved_t moved;
        int created = 0;
        if (rc == FC_OK) {
            char key[64];
            static const char *emps[] = {"P0", "P1", "P2", "P3", "P4", "P5", "P6", "P7"};
            switch (op) {
            case 0: { /* a request: small ones pay at once, large ones wait for an approver */
                snprintf(key, sizeof key, "c%d-%lld", cl->index, (long long)arg);
                welfare_new_t n = {WELFARE_KIND_EPIDEMIC_ALLOWANCE,
                                   emps[arg % 8],
                                   NULL,
                                   1000 + (arg * 7919) % 19000,
                                   NULL,
                                   NULL,
                                   0,
                                   "manual",
                                   "",
                                   key,
                                   ""};
                rc = welfare_flow_request(&c, &n, &d, &created, &err);
                break;
            }
            case 1:
                rc = welfare_flow_decide(&c, arg, WELFARE_EV_APPROVE, "", &d, &err);
                break;
            case 2:
                rc = welfare_flow_decide(&c, arg, WELFARE_EV_REJECT, "并发驳回", &d, &err);
                break;
            case 3:
                rc = welfare_flow_decide(&c, arg, WELFARE_EV_REVERSE, "并发冲正", &d, &err);
                break;
            case 4:
                rc = welfare_flow_allocate(&c, "S1", arg % 2 ? "B1" : "B2",
                                           WELFARE_FUND_EPIDEMIC_SUBSIDY, 500, "", &moved, &err);
                break;
            case 5:
                rc = welfare_flow_inflow(&c, "S1", WELFARE_FUND_EPIDEMIC_SUBSIDY, "topup", arg, "",
                                         &moved, &err);
                break;
            }
        }
        if (rc == FC_OK)
            rc = fc_pg_commit(pg, &err);
        if (rc != FC_OK)
            fc_pg_rollback(pg);
        fc_arena_reset(arena);
        if (rc == FC_OK) {
            if (op == 0) {
                cl->requests++;
                cl->queued += d && strcmp(d->pb.state, "awaiting_funds") == 0;
            }
            cl->approved += op == 1;
            cl->rejected += op == 2;
            cl->reversed += op == 3;
            cl->moved += op >= 4;
            return 1;
        }
        if (rc == FC_EAGAIN) {
            cl->retries++;
            cl->deadlocks += strstr(err.message, "deadlock") != NULL;
            continue;
        }
        /* refused by the rules (already decided by another client, short of money): fine */
        if (rc == FC_ECONFLICT || rc == FC_EDENIED)
            return 0;
        cl->failures++;
        snprintf(cl->last_error, sizeof cl->last_error, "op %d: %s: %s", op, fc_err_name(rc),
                 err.message);
        return 0;
    }
    cl->failures++;
    return 0;
}

static void *s_client(void *arg)
{
    s_client_t *cl = arg;
    fc_err_t err;
    fc_pg_opts_t o = {.url = getenv("FC_PG_URL"),
                      .user = "fc_welfare",
                      .schema = "welfare",
                      .app_name = "welfare-hammer",
                      .connect_wait_s = 10};
    fc_pg_t *pg = fc_pg_new(&o, &err);
    if (!pg) {
        cl->failures++;
        return NULL;
    }
    fc_arena_t *arena = fc_arena_new(16 * 1024);
    for (int i = 0; i < OPS_PER_CLIENT; i++) {
        unsigned r = s_rand(&cl->seed) % 100;
        if (r < 55) {
            s_step(cl, pg, arena, 0, cl->index * 1000 + i);
        } else if (r < 90) {
            /* decide on someone's disbursement (any client's, any state) */
            PGresult *res = fc_pg_exec(pg, "SELECT id FROM disbursement ORDER BY random() LIMIT 1",
                                       0, NULL, &err);
            int64_t id = res && PQntuples(res) ? fc_pg_int(res, 0, 0) : 0;
            PQclear(res);
            if (id)
                s_step(cl, pg, arena, r < 70 ? 1 : r < 80 ? 2 : 3, id);
        } else if (r < 96) {
            s_step(cl, pg, arena, 4, i);
        } else {
            s_step(cl, pg, arena, 5, 20000);
        }
    }
    fc_arena_destroy(&arena);
    fc_pg_destroy(&pg);
    return NULL;
}

static void test_sixteen_clients_one_budget(void **state)
{
    (void)state;
    /* S1 starts with 3000 CNY: far less than the clients ask for */
    s_inflow("S1", WELFARE_FUND_EPIDEMIC_SUBSIDY, 300000);
    s_client_t clients[N_CLIENTS];
    pthread_t threads[N_CLIENTS];
    memset(clients, 0, sizeof clients);
    for (int i = 0; i < N_CLIENTS; i++) {
        clients[i].index = i;
        clients[i].seed = 7777u + (unsigned)i;
        assert_int_equal(pthread_create(&threads[i], NULL, s_client, &clients[i]), 0);
    }
    int requests = 0, queued = 0, decided = 0, deadlocks = 0, failures = 0, moved = 0;
    for (int i = 0; i < N_CLIENTS; i++) {
        pthread_join(threads[i], NULL);
        requests += clients[i].requests;
        queued += clients[i].queued;
        decided += clients[i].approved + clients[i].rejected + clients[i].reversed;
        deadlocks += clients[i].deadlocks;
        failures += clients[i].failures;
        moved += clients[i].moved;
        if (clients[i].failures)
            print_error("client %d: %s\n", i, clients[i].last_error);
    }
    print_message("%d requests (%d queued), %d decisions, %d fund movements, %d deadlocks\n",
                  requests, queued, decided, moved, deadlocks);
    assert_int_equal(failures, 0);
    assert_int_equal(deadlocks, 0);
    assert_true(requests > N_CLIENTS * OPS_PER_CLIENT / 3);
    assert_true(queued > 0); /* the budget really ran short */
    assert_true(decided > 0);
    assert_true(wt_balance("budget", "S1", "epidemic_subsidy") >= 0);
    assert_int_equal(wt_q("SELECT count(*) FROM welfare.account WHERE balance < 0"
                          " AND kind <> 'external'"),
                     0);
    /* every reservation and payment is accounted for */
    assert_int_equal(wt_q("SELECT sum(balance) FROM welfare.account WHERE org_code = 'S1'"
                          " AND kind <> 'external' AND fund = 'epidemic_subsidy'") +
                         wt_q("SELECT COALESCE(sum(balance), 0) FROM welfare.account"
                              " WHERE org_code IN ('B1', 'B2') AND kind = 'budget'"),
                     wt_q("SELECT -sum(balance) FROM welfare.account WHERE kind = 'external'"));
    wt_assert_invariants(g);
}

/* Transfers both ways between the same two accounts at once: the function's own lock order. */
static void *s_pingpong(void *arg)
{
    int64_t *ids = arg; /* from, to, failures */
    fc_err_t err;
    fc_pg_opts_t o = {.url = getenv("FC_PG_URL"),
                      .user = "fc_welfare",
                      .schema = "welfare",
                      .app_name = "welfare-pingpong",
                      .connect_wait_s = 10};
    fc_pg_t *pg = fc_pg_new(&o, &err);
    for (int i = 0; pg && i < 200; i++) {
        int64_t tid = 0;
        if (fc_pg_begin(pg, &err) != FC_OK ||
            welfare_store_transfer(pg, "allocate", ids[0], ids[1], 1, 0, "pp", "", 1, &tid, NULL,
                                   &err) != FC_OK ||
            welfare_store_transfer(pg, "allocate", ids[1], ids[0], 1, 0, "pp", "", 1, &tid, NULL,
                                   &err) != FC_OK ||
            fc_pg_commit(pg, &err) != FC_OK) {
            fc_pg_rollback(pg);
            ids[2]++;
        }
    }
    fc_pg_destroy(&pg);
    return NULL;
}

static void test_both_directions_no_deadlock(void **state)
{
    (void)state;
    s_inflow("B1", WELFARE_FUND_MATCHING, 100000);
    s_inflow("B2", WELFARE_FUND_MATCHING, 100000);
    int64_t a = s_account("budget", "B1", WELFARE_FUND_MATCHING);
    int64_t b = s_account("budget", "B2", WELFARE_FUND_MATCHING);
    int64_t args[8][3];
    pthread_t t[8];
    for (int i = 0; i < 8; i++) {
        args[i][0] = i % 2 ? a : b;
        args[i][1] = i % 2 ? b : a;
        args[i][2] = 0;
        pthread_create(&t[i], NULL, s_pingpong, args[i]);
    }
    int64_t failures = 0;
    for (int i = 0; i < 8; i++) {
        pthread_join(t[i], NULL);
        failures += args[i][2];
    }
    assert_int_equal(failures, 0);
    assert_int_equal(wt_balance("budget", "B1", "matching"), 100000);
    assert_int_equal(wt_balance("budget", "B2", "matching"), 100000);
    wt_assert_invariants(g);
}

/* ---- the checker sees what a superuser can break --------------------------------------------- */

static void s_books(void)
{
    fc_arena_t *arena = fc_arena_new(4096);
    welfare_ctx_t c;
    s_ctx(&c, g->pg, arena, "tester");
    fc_err_t err;
    s_inflow("S1", WELFARE_FUND_EPIDEMIC_SUBSIDY, 100000);
    welfare_disb_t *d = NULL;
    int created = 0;
    welfare_new_t n = {WELFARE_KIND_EPIDEMIC_ALLOWANCE,
                       "P1",
                       NULL,
                       3000,
                       NULL,
                       NULL,
                       0,
                       "manual",
                       "",
                       "paid-1",
                       ""};
    assert_int_equal(fc_pg_begin(g->pg, &err), FC_OK);
    assert_int_equal(welfare_flow_request(&c, &n, &d, &created, &err), FC_OK);
    assert_string_equal(d->pb.state, "paid");
    assert_int_equal(fc_pg_commit(g->pg, &err), FC_OK);
    fc_arena_destroy(&arena);
    wt_assert_invariants(g);
}

static void s_superuser(const char *sql)
{
    PGresult *r = PQexec(fc_h_db(), sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
        print_error("%s: %s\n", sql, PQerrorMessage(fc_h_db()));
    assert_true(PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK);
    PQclear(r);
}

static void test_checker_sees_corruption(void **state)
{
    (void)state;
    s_books();
    /* a balance edited by hand */
    s_superuser("UPDATE welfare.account SET balance = balance + 1 WHERE kind = 'budget'"
                " AND org_code = 'S1'");
    assert_true(wt_violations(g, "balance_matches_entries") > 0);
    assert_true(wt_violations(g, "balances_equal_inflows") > 0);
    s_superuser("UPDATE welfare.account SET balance = balance - 1 WHERE kind = 'budget'"
                " AND org_code = 'S1'");
    wt_assert_invariants(g);

    /* triggers switched off: an unbalanced transfer, a key paid twice, external money moved
     * around, a negative balance (the CHECK dropped) */
    s_superuser("SET session_replication_role = replica");
    s_superuser("INSERT INTO welfare.transfer (kind, amount, at_us) VALUES ('allocate', 9, 1)");
    s_superuser("INSERT INTO welfare.entry (transfer_id, account_id, amount, at_us)"
                " SELECT max(id), (SELECT id FROM welfare.account WHERE kind = 'budget'"
                " AND org_code = 'S1' LIMIT 1), -9, 1 FROM welfare.transfer");
    assert_true(wt_violations(g, "transfer_balances") > 0);

    s_superuser(
        "INSERT INTO welfare.transfer (kind, amount, at_us, disbursement_id)"
        " SELECT 'post', amount, 1, id FROM welfare.disbursement WHERE idem_key = 'paid-1'");
    assert_true(wt_violations(g, "key_paid_once") > 0);
    assert_true(wt_violations(g, "state_matches_ledger") > 0);

    s_superuser("INSERT INTO welfare.transfer (kind, amount, at_us) VALUES ('allocate', 1, 1)");
    s_superuser("INSERT INTO welfare.entry (transfer_id, account_id, amount, at_us)"
                " SELECT max(t.id), a.id, -1, 1 FROM welfare.transfer t, welfare.account a"
                " WHERE a.kind = 'external' GROUP BY a.id");
    assert_true(wt_violations(g, "external_only_for_inflows") > 0);

    s_superuser("ALTER TABLE welfare.account DROP CONSTRAINT account_balance_nonnegative");
    s_superuser("UPDATE welfare.account SET balance = -5 WHERE kind = 'hold'");
    assert_true(wt_violations(g, "no_negative_balance") > 0);
    assert_true(wt_violations(g, "hold_matches_pending") > 0);
    s_superuser("UPDATE welfare.account SET balance = 1 WHERE kind = 'payout'");
    assert_true(wt_violations(g, "payout_matches_paid") > 0);
    s_superuser("SET session_replication_role = origin");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_database_refuses, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_sixteen_clients_one_budget, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_both_directions_no_deadlock, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_checker_sees_corruption, s_setup, s_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

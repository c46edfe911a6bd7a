/* test_welfare_fault: fc-welfare killed (SIGKILL, through the FC_FAULT points of libfc) at
 * the worst moments of a payment — before the commit, after the commit but before the reply,
 * before an event's effect commits, after it committed but before it was acknowledged — then
 * restarted: the client's retry with the same message id, or
 * the redelivered event, takes effect exactly once. Then four replicas of fc-welfare serving
 * sixteen clients hammering one budget: never below zero, every fen accounted for. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "welfare_test.h"
#include "fc_endpoints.h"
#include "fc_harness.h"
#include "fc_health.h"
#include "fc_id.h"
#include "fc_mem.h"
#include "fc_rpc.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#define N_REPLICAS 4
#define N_CLIENTS 16
#define REQUESTS_PER_CLIENT 40

static wt_t *g;
static pid_t g_pid;

static int s_setup(void **state)
{
    (void)state;
    g = wt_new("test_welfare_fault");
    g_pid = wt_start(g, NULL);
    wt_tree(g);
    wt_topup("S1", "epidemic_subsidy", 1000000);
    wt_topup("S1", "special_party_fee", 1000000);
    return 0;
}

static int s_teardown(void **state)
{
    (void)state;
    if (g_pid > 0)
        assert_int_equal(fc_h_stop(g_pid, SIGTERM, fc_h_ms(10000)), 0);
    wt_assert_invariants(g);
    wt_destroy(&g);
    return 0;
}

/* Restarts fc-welfare with FC_FAULT armed at point. */
static void s_restart_armed(const char *point)
{
    static char fault[128];
    assert_int_equal(fc_h_stop(g_pid, SIGTERM, fc_h_ms(10000)), 0);
    snprintf(fault, sizeof fault, "FC_FAULT=%s", point);
    g_pid = wt_start(g, (const char *[]){fault, NULL});
}

/* Waits for the armed process to die at its point, then starts a clean one. */
static void s_expect_death_and_restart(void)
{
    int status = fc_h_wait_exit(g_pid, fc_h_ms(15000));
    assert_true(status != -1);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    g_pid = wt_start(g, NULL);
}

/* One call attempt with a short timeout: the process dies under it. */
static int s_once(const char *id, const ProtobufCMessage *req, ProtobufCMessage **reply,
                  fc_err_t *err)
{
    fc_rpc_client_opts_t o = {.actor_id = "s1admin",
                              .actor_role = "org_admin",
                              .org_scope = "S1",
                              .timeout_ms = fc_h_ms(1500),
                              .retries = 0};
    fc_rpc_client_t *c = fc_rpc_client_new(NULL, fc_endpoint_of("welfare"), &o);
    assert_non_null(c);
    int rc =
        fc_rpc_call(c, "welfare.pay_request", req, &fc__v1__pay_reply__descriptor, reply, id, err);
    fc_rpc_client_destroy(&c);
    return rc;
}

/* Retries id until answered (the service restarting meanwhile). */
static int s_retry(const char *id, const ProtobufCMessage *req, ProtobufCMessage **reply,
                   fc_err_t *err)
{
    int rc = FC_ETIMEOUT;
    for (int i = 0; i < 40 && (rc == FC_ETIMEOUT || rc == FC_EAGAIN || rc == FC_EUNAVAIL); i++)
        rc = s_once(id, req, reply, err);
    return rc;
}

static void s_request(Fc__V1__PayRequest *pr, const char *key)
{
    fc__v1__pay_request__init(pr);
    pr->idempotency_key = (char *)key;
    pr->employee_no = "E1";
    pr->kind = "epidemic_allowance";
    pr->amount_fen = 2500;
}

static long long s_disbursements(void)
{
    return wt_q("SELECT count(*) FROM welfare.disbursement");
}

static void test_killed_before_commit(void **state)
{
    (void)state;
    fc_err_t err;
    s_restart_armed("rpc.before_commit");
    Fc__V1__PayRequest pr;
    s_request(&pr, "fault-1");
    char id[FC_ID_LEN + 1];
    fc_id_new(id);
    ProtobufCMessage *reply = NULL;
    assert_int_equal(s_once(id, &pr.base, &reply, &err), FC_ETIMEOUT);
    s_expect_death_and_restart();
    /* nothing of it survived */
    assert_int_equal(s_disbursements(), 0);
    assert_int_equal(wt_balance("budget", "S1", "epidemic_subsidy"), 1000000);
    /* the client's retry does it, once */
    assert_int_equal(s_retry(id, &pr.base, &reply, &err), FC_OK);
    assert_string_equal(((Fc__V1__PayReply *)reply)->disbursement->state, "paid");
    int64_t did = ((Fc__V1__PayReply *)reply)->disbursement->id;
    wt_free(reply);
    assert_int_equal(s_retry(id, &pr.base, &reply, &err), FC_OK);
    assert_int_equal(((Fc__V1__PayReply *)reply)->disbursement->id, did);
    wt_free(reply);
    assert_int_equal(s_disbursements(), 1);
    assert_int_equal(wt_balance("budget", "S1", "epidemic_subsidy"), 997500);
}

static void test_killed_after_commit_before_reply(void **state)
{
    (void)state;
    fc_err_t err;
    s_restart_armed("outbox.after_commit");
    Fc__V1__PayRequest pr;
    s_request(&pr, "fault-2");
    char id[FC_ID_LEN + 1];
    fc_id_new(id);
    ProtobufCMessage *reply = NULL;
    assert_int_equal(s_once(id, &pr.base, &reply, &err), FC_ETIMEOUT);
    s_expect_death_and_restart();
    /* it was done, the answer lost */
    assert_int_equal(s_disbursements(), 1);
    /* the retry gets the stored answer; the same key under a new message id the first answer */
    assert_int_equal(s_retry(id, &pr.base, &reply, &err), FC_OK);
    int64_t did = ((Fc__V1__PayReply *)reply)->disbursement->id;
    assert_false(((Fc__V1__PayReply *)reply)->replayed);
    wt_free(reply);
    char id2[FC_ID_LEN + 1];
    fc_id_new(id2);
    assert_int_equal(s_retry(id2, &pr.base, &reply, &err), FC_OK);
    assert_true(((Fc__V1__PayReply *)reply)->replayed);
    assert_int_equal(((Fc__V1__PayReply *)reply)->disbursement->id, did);
    wt_free(reply);
    assert_int_equal(s_disbursements(), 1);
    assert_int_equal(wt_q("SELECT count(*) FROM welfare.transfer WHERE kind = 'post'"), 1);
    /* its events went out after the restart */
    assert_int_equal(wt_welfare_events(g, "welfare.disbursement_paid", 1), 1);
}

static void test_consumer_killed_around_commit(void **state)
{
    (void)state;
    /* (outbox.after_publish is not among them: libfc fires it on every relay run, published
     * rows or not, so an armed process dies at start-up before it has anything to relay) */
    const char *points[] = {"consumer.before_commit", "consumer.after_commit"};
    for (int i = 0; i < 2; i++) {
        s_restart_armed(points[i]);
        /* incident i+1: the consumer dies applying it (or relaying its events) */
        wt_incident(g, 100 + i, "E1", "B1", "injured", 1, g->now_us);
        s_expect_death_and_restart();
        wt_wait_events(g);
        char sql[160];
        snprintf(sql, sizeof sql,
                 "SELECT count(*) FROM welfare.disbursement WHERE source_ref = 'incident:%d'",
                 100 + i);
        assert_int_equal(fc_h_wait_scalar(sql, 1, fc_h_ms(10000)), 1);
    }
    assert_int_equal(wt_q("SELECT count(*) FROM welfare.disbursement WHERE state = 'paid'"), 2);
    assert_int_equal(wt_q("SELECT count(*) FROM welfare.inbox"), g->events_sent);
    /* the events of what was applied went out, at least once each (consumers deduplicate) */
    assert_true(wt_welfare_events(g, "welfare.disbursement_paid", 2) >= 2);
    assert_int_equal(wt_q("SELECT count(*) FROM welfare.outbox WHERE published_at IS NULL"), 0);
}

/* ---- replicas under sixteen clients ------------------------------------------------------ */

typedef struct {
    int index;
    char endpoint[64];
    int ok, queued, failures;
    char error[256];
} s_client_t;

static void *s_client(void *arg)
{
    s_client_t *cl = arg;
    char actor[32];
    snprintf(actor, sizeof actor, "clerk%d", cl->index);
    fc_rpc_client_opts_t o = {.actor_id = actor,
                              .actor_role = "org_admin",
                              .org_scope = "S1",
                              .timeout_ms = fc_h_ms(5000),
                              .retries = 2};
    fc_rpc_client_t *c = fc_rpc_client_new(NULL, cl->endpoint, &o);
    static const char *emps[] = {"E1", "E2", "E3", "A1", "L1"};
    for (int i = 0; c && i < REQUESTS_PER_CLIENT; i++) {
        char key[32];
        snprintf(key, sizeof key, "h%d-%d", cl->index, i);
        Fc__V1__PayRequest pr = FC__V1__PAY_REQUEST__INIT;
        pr.idempotency_key = key;
        pr.employee_no = (char *)emps[(cl->index + i) % 5];
        pr.kind = "epidemic_allowance";
        pr.amount_fen = 1000 + ((cl->index * 131 + i * 977) % 9000);
        ProtobufCMessage *reply = NULL;
        fc_err_t err;
        int rc;
        do {
            rc = fc_rpc_call(c, "welfare.pay_request", &pr.base, &fc__v1__pay_reply__descriptor,
                             &reply, NULL, &err);
        } while (rc == FC_EAGAIN);
        if (rc == FC_OK) {
            cl->ok++;
            cl->queued +=
                strcmp(((Fc__V1__PayReply *)reply)->disbursement->state, "awaiting_funds") == 0;
        } else {
            cl->failures++;
            snprintf(cl->error, sizeof cl->error, "%s: %s", fc_err_name(rc), err.message);
        }
        wt_free(reply);
    }
    fc_rpc_client_destroy(&c);
    return NULL;
}

static void test_replicas_hammer_one_budget(void **state)
{
    (void)state;
    static char listen[N_REPLICAS][64], env_listen[N_REPLICAS][96];
    pid_t replicas[N_REPLICAS];
    const char *base = getenv("FC_TEST_PORT_BASE");
    int port = base ? atoi(base) : 5740;
    for (int i = 0; i < N_REPLICAS; i++) {
        snprintf(listen[i], sizeof listen[i], "tcp://127.0.0.1:%d", port + i);
        snprintf(env_listen[i], sizeof env_listen[i], "FC_LISTEN=%s", listen[i]);
        const char *env[] = {g->clock_env, g->policy_env, "WELFARE_SWEEP_MS=50", env_listen[i],
                             NULL};
        replicas[i] = fc_h_start("welfare", env);
    }
    for (int i = 0; i < N_REPLICAS; i++) {
        int up = 0;
        for (int t = 0; t < 400 && !up; t++) {
            Fc__V1__HealthReply *h = NULL;
            fc_err_t err;
            if (fc_health_query(NULL, listen[i], 300, &h, &err) == FC_OK) {
                up = h->db_ok;
                fc__v1__health_reply__free_unpacked(h, NULL);
            }
            if (!up)
                fc_h_sleep_ms(50);
        }
        assert_true(up);
    }
    /* the budget: 500 CNY left of S1's epidemic fund, against ~5000 CNY of requests */
    Fc__V1__FundsAllocateRequest al = FC__V1__FUNDS_ALLOCATE_REQUEST__INIT;
    al.from_org = "S1";
    al.to_org = "B2";
    al.fund = "epidemic_subsidy";
    al.amount_fen = 950000;
    fc_err_t err;
    assert_int_equal(wt_svc("welfare.funds_allocate", &al.base,
                            &fc__v1__funds_transfer_reply__descriptor, NULL, &err),
                     FC_OK);
    s_client_t clients[N_CLIENTS];
    pthread_t threads[N_CLIENTS];
    memset(clients, 0, sizeof clients);
    for (int i = 0; i < N_CLIENTS; i++) {
        clients[i].index = i;
        snprintf(clients[i].endpoint, sizeof clients[i].endpoint, "%s",
                 i % (N_REPLICAS + 1) == N_REPLICAS ? fc_endpoint_of("welfare")
                                                    : listen[i % (N_REPLICAS + 1)]);
        pthread_create(&threads[i], NULL, s_client, &clients[i]);
    }
    int ok = 0, queued = 0, failures = 0;
    for (int i = 0; i < N_CLIENTS; i++) {
        pthread_join(threads[i], NULL);
        ok += clients[i].ok;
        queued += clients[i].queued;
        failures += clients[i].failures;
        if (clients[i].failures)
            print_error("client %d: %s\n", i, clients[i].error);
    }
    print_message("%d requests answered, %d queued for lack of funds\n", ok, queued);
    assert_int_equal(failures, 0);
    assert_int_equal(ok, N_CLIENTS * REQUESTS_PER_CLIENT);
    assert_true(queued > 0);
    assert_true(wt_balance("budget", "S1", "epidemic_subsidy") >= 0);
    /* every fen of the 500 CNY is either still there, reserved or paid */
    assert_int_equal(wt_balance("budget", "S1", "epidemic_subsidy") +
                         wt_balance("hold", "S1", "epidemic_subsidy") +
                         wt_balance("payout", "S1", "epidemic_subsidy"),
                     50000);
    assert_int_equal(wt_q("SELECT COALESCE(sum(amount), 0) FROM welfare.disbursement"
                          " WHERE state IN ('pending', 'paid')"),
                     50000 - wt_balance("budget", "S1", "epidemic_subsidy"));
    wt_assert_invariants(g);
    /* money for everyone: the whole queue goes through, oldest first, on whichever replica */
    wt_topup("S1", "epidemic_subsidy", 10000000);
    assert_int_equal(fc_h_wait_scalar("SELECT count(*) FROM welfare.disbursement"
                                      " WHERE state = 'awaiting_funds'",
                                      0, fc_h_ms(10000)),
                     0);
    assert_int_equal(wt_q("SELECT count(*) FROM welfare.disbursement"), ok);
    for (int i = 0; i < N_REPLICAS; i++)
        assert_int_equal(fc_h_stop(replicas[i], SIGTERM, fc_h_ms(10000)), 0);
    wt_assert_invariants(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_killed_before_commit, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_killed_after_commit_before_reply, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_consumer_killed_around_commit, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_replicas_hammer_one_budget, s_setup, s_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

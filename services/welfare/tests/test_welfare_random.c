/* test_welfare_random: a seeded randomised scenario — thousands of mixed payment requests,
 * approvals, rejections, reversals, retries with the same and with conflicting keys,
 * allocations, top-ups and intake events (duty days, incidents) — run twice from the same
 * seed: once undisturbed, once with fc-welfare killed by SIGKILL at random moments and
 * restarted while the client keeps retrying (Lazy Pirate: the same message id). Both runs must
 * give every operation the same answer and end in the same books, and the invariant checker
 * must pass after each: nothing lost, nothing done twice. WELFARE_SEED and WELFARE_RANDOM_OPS
 * replay or resize a run; the seed and both digests are printed. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "welfare_test.h"
#include "fc_clock.h"
#include "fc_endpoints.h"
#include "fc_harness.h"
#include "fc_id.h"
#include "fc_mem.h"
#include "fc_rpc.h"

#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_KEYS 20000

typedef struct {
    char key[24];
    const char *emp, *kind, *incident;
    int64_t fen;
} s_req_t;

typedef struct {
    wt_t *wt;
    uint64_t rng;
    fc_rpc_client_t *client;
    s_req_t reqs[MAX_KEYS];
    int nreqs;
    uint64_t digest; /* FNV-1a over every answer */
    int64_t duty_id, incident_id;
    long long calls, retries;
    /* the killer */
    pthread_t killer;
    pthread_mutex_t lock;
    volatile int stop_killer;
    pid_t pid;
    uint64_t kill_rng;
    int kills, kills_in_call;
    volatile int in_call;
} s_run_t;

static uint64_t s_next(uint64_t *s)
{
    /* splitmix64: the whole run follows from the seed */
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static int s_pick(s_run_t *r, int n)
{
    return (int)(s_next(&r->rng) % (uint64_t)n);
}

static void s_mix(s_run_t *r, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    for (int i = 0; i < n && i < (int)sizeof buf; i++) {
        r->digest ^= (unsigned char)buf[i];
        r->digest *= 0x100000001B3ull;
    }
}

/* Calls until there is an answer, resending the same message id after timeouts and while
 * the service restarts. */
static int s_call(s_run_t *r, const char *actor, const char *role, const char *scope,
                  const char *type, const ProtobufCMessage *req,
                  const ProtobufCMessageDescriptor *desc, ProtobufCMessage **reply, fc_err_t *err)
{
    char id[FC_ID_LEN + 1];
    fc_id_new(id);
    fc_rpc_client_set_scope(r->client, actor, role, scope);
    r->calls++;
    int rc;
    for (int tries = 0;; tries++) {
        *reply = NULL;
        fc_err_clear(err);
        r->in_call = 1;
        rc = fc_rpc_call(r->client, type, req, desc, reply, id, err);
        r->in_call = 0;
        if (rc != FC_ETIMEOUT && rc != FC_EAGAIN && rc != FC_EUNAVAIL)
            break;
        assert_true(tries < 600); /* a minute without an answer: the service is gone */
        r->retries++;
        fc_h_sleep_ms(100);
    }
    return rc;
}

static void *s_killer(void *arg)
{
    s_run_t *r = arg;
    const char *env[] = {r->wt->clock_env, r->wt->policy_env, "WELFARE_SWEEP_MS=100",
                         "FC_CLAIM_IDLE_MS=300", NULL};
    while (!r->stop_killer) {
        fc_h_sleep_ms(fc_h_ms(300 + (int)(s_next(&r->kill_rng) % 900)));
        /* strike while a request is in flight, a random few hundred microseconds in */
        for (int spin = 0; spin < 5000 && !r->in_call && !r->stop_killer; spin++)
            usleep(200);
        if (r->stop_killer)
            break;
        usleep((useconds_t)(s_next(&r->kill_rng) % 3000));
        pthread_mutex_lock(&r->lock);
        int during = r->in_call;
        kill(r->pid, SIGKILL);
        waitpid(r->pid, NULL, 0);
        r->kills++;
        r->kills_in_call += during;
        r->pid = fc_h_start("welfare", env);
        pthread_mutex_unlock(&r->lock);
        /* let it come up and do some work before the next blow */
        fc_h_wait_healthy("welfare", fc_h_ms(20000));
    }
    return NULL;
}

static const char *s_people[] = {"E1", "E2", "E3", "A1", "E4", "GX"};
static const char *s_orgs[] = {"B1", "B1", "B2", "B1", "B3", "G"};

static void s_op_request(s_run_t *r)
{
    fc_err_t err;
    ProtobufCMessage *reply = NULL;
    s_req_t *q;
    int retry = r->nreqs > 0 && s_pick(r, 100) < 15;
    if (retry) {
        /* a client sending an earlier request again under its key, sometimes changed */
        q = &r->reqs[s_pick(r, r->nreqs)];
    } else {
        assert_true(r->nreqs < MAX_KEYS);
        q = &r->reqs[r->nreqs];
        snprintf(q->key, sizeof q->key, "r%d", r->nreqs);
        int p = s_pick(r, 6);
        q->emp = s_people[p];
        static const char *kinds[] = {"epidemic_allowance", "epidemic_allowance", "hardship",
                                      "condolence", "insurance_claim"};
        q->kind = kinds[s_pick(r, 5)];
        q->incident = NULL;
        q->fen = 100 + (int64_t)s_pick(r, 30000);
        if (strcmp(q->kind, "condolence") == 0 && s_pick(r, 2)) {
            static const char *inc[] = {"injured", "fell_ill", "infected", "quarantined"};
            q->incident = inc[s_pick(r, 4)];
            q->fen = 0;
        }
        r->nreqs++;
    }
    int changed = retry && s_pick(r, 3) == 0;
    Fc__V1__PayRequest pr = FC__V1__PAY_REQUEST__INIT;
    pr.idempotency_key = q->key;
    pr.employee_no = (char *)q->emp;
    pr.kind = (char *)q->kind;
    pr.amount_fen = q->fen + (changed ? 1 : 0);
    pr.incident_kind = (char *)(q->incident ? q->incident : "");
    int who = s_pick(r, 3);
    static const char *actors[] = {"req-g", "req-s1", "req-s2"};
    static const char *scopes[] = {"G", "S1", "S2"};
    int rc = s_call(r, actors[who], who ? "org_admin" : "group_admin", scopes[who],
                    "welfare.pay_request", &pr.base, &fc__v1__pay_reply__descriptor, &reply, &err);
    const Fc__V1__PayReply *pay = (const Fc__V1__PayReply *)reply;
    s_mix(r, "req %s %d %s %s %" PRId64 " %d|", q->key, rc, err.field,
          pay && pay->disbursement ? pay->disbursement->state : "",
          pay && pay->disbursement ? pay->disbursement->amount_fen : 0,
          pay ? (int)pay->replayed : -1);
    wt_free(reply);
}

static void s_op_decide(s_run_t *r)
{
    if (!r->nreqs)
        return;
    fc_err_t err;
    ProtobufCMessage *reply = NULL;
    const s_req_t *q = &r->reqs[s_pick(r, r->nreqs)];
    int what = s_pick(r, 10);
    int who = s_pick(r, 3);
    /* find it by its key (ids are not part of what must repeat) */
    Fc__V1__PayShowRequest sq = FC__V1__PAY_SHOW_REQUEST__INIT;
    sq.idempotency_key = (char *)q->key;
    int rc = s_call(r, "auditor", "service", "", "welfare.pay_show", &sq.base,
                    &fc__v1__pay_reply__descriptor, &reply, &err);
    int64_t id = rc == FC_OK ? ((Fc__V1__PayReply *)reply)->disbursement->id : 0;
    wt_free(reply);
    reply = NULL;
    if (!id) {
        s_mix(r, "decide %s absent|", q->key);
        return;
    }
    static const char *actors[] = {"gadmin", "s1admin", "s2admin"};
    static const char *roles[] = {"group_admin", "org_admin", "org_admin"};
    static const char *scopes[] = {"G", "S1", "S2"};
    const char *type = what < 6   ? "welfare.pay_approve"
                       : what < 8 ? "welfare.pay_reject"
                                  : "welfare.pay_reverse";
    Fc__V1__PayDecisionRequest dr = FC__V1__PAY_DECISION_REQUEST__INIT;
    dr.id = id;
    dr.note = what < 6 ? "" : "随机测试";
    rc = s_call(r, actors[who], roles[who], scopes[who], type, &dr.base,
                &fc__v1__pay_reply__descriptor, &reply, &err);
    const Fc__V1__PayReply *pay = (const Fc__V1__PayReply *)reply;
    s_mix(r, "%s %s %d %s %s|", type, q->key, rc, err.field,
          pay && pay->disbursement ? pay->disbursement->state : "");
    wt_free(reply);
}

static void s_op_funds(s_run_t *r)
{
    fc_err_t err;
    ProtobufCMessage *reply = NULL;
    static const char *funds[] = {"special_party_fee", "matching", "retained_party_fee",
                                  "epidemic_subsidy"};
    const char *fund = funds[s_pick(r, 4)];
    int rc;
    if (s_pick(r, 3) == 0) {
        Fc__V1__FundsInflowRequest in = FC__V1__FUNDS_INFLOW_REQUEST__INIT;
        static const char *orgs[] = {"G", "S1", "S2"};
        in.org_code = (char *)orgs[s_pick(r, 3)];
        in.fund = (char *)fund;
        in.kind = strcmp(fund, "matching") == 0 ? "match" : "topup";
        in.amount_fen = 1000 + s_pick(r, 200000);
        rc = s_call(r, "gadmin", "group_admin", "G", "welfare.funds_inflow", &in.base,
                    &fc__v1__funds_transfer_reply__descriptor, &reply, &err);
        s_mix(r, "in %s %s %" PRId64 " %d %d|", in.org_code, fund, in.amount_fen, rc,
              reply ? (int)((Fc__V1__FundsTransferReply *)reply)->funded : -1);
    } else {
        Fc__V1__FundsAllocateRequest al = FC__V1__FUNDS_ALLOCATE_REQUEST__INIT;
        al.from_org = "G";
        al.to_org = s_pick(r, 2) ? "S1" : "S2";
        al.fund = (char *)fund;
        al.amount_fen = 1000 + s_pick(r, 300000);
        rc = s_call(r, "gadmin", "group_admin", "G", "welfare.funds_allocate", &al.base,
                    &fc__v1__funds_transfer_reply__descriptor, &reply, &err);
        s_mix(r, "al %s %s %" PRId64 " %d %d|", al.to_org, fund, al.amount_fen, rc,
              reply ? (int)((Fc__V1__FundsTransferReply *)reply)->funded : -1);
    }
    wt_free(reply);
}

static void s_op_event(s_run_t *r)
{
    int p = s_pick(r, 6);
    if (s_pick(r, 4)) {
        int day = s_pick(r, 10);
        int cls = 1 + s_pick(r, 2);
        int64_t start = fc_time_local_day_start(fc_time_local_day(WT_T0) + day) +
                        (int64_t)(6 + s_pick(r, 12)) * WT_HOUR;
        wt_duty(r->wt, ++r->duty_id, s_people[p], s_orgs[p], cls, start, 60 + s_pick(r, 400));
    } else {
        static const char *kinds[] = {"injured", "fell_ill", "infected", "quarantined", "died"};
        /* sometimes intake reports the same incident again */
        int64_t id = r->incident_id && s_pick(r, 4) == 0 ? r->incident_id : ++r->incident_id;
        wt_incident(r->wt, id, s_people[p], s_orgs[p], kinds[id % 5], s_pick(r, 4) != 0, WT_T0);
    }
    wt_wait_events(r->wt);
}

/* The books at the end, independent of ids and timing. */
static void s_mix_books(s_run_t *r)
{
    PGresult *res =
        PQexec(fc_h_db(), "SELECT idem_key || ' ' || kind || ' ' || employee_no || ' ' ||"
                          " payer_org || ' ' || fund || ' ' || amount || ' ' || state"
                          " FROM welfare.disbursement ORDER BY idem_key");
    assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
    for (int i = 0; i < PQntuples(res); i++)
        s_mix(r, "%s|", PQgetvalue(res, i, 0));
    PQclear(res);
    res = PQexec(fc_h_db(), "SELECT kind || ' ' || org_code || ' ' || fund || ' ' || balance"
                            " FROM welfare.account ORDER BY kind, org_code, fund");
    assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
    for (int i = 0; i < PQntuples(res); i++)
        s_mix(r, "%s|", PQgetvalue(res, i, 0));
    PQclear(res);
    res = PQexec(fc_h_db(), "SELECT family_care.employee_no FROM welfare.family_care ORDER BY 1");
    for (int i = 0; i < PQntuples(res); i++)
        s_mix(r, "family %s|", PQgetvalue(res, i, 0));
    PQclear(res);
}

static uint64_t s_scenario(uint64_t seed, int ops, int with_kills, int *kills_out)
{
    s_run_t *r = fc_xcalloc(1, sizeof *r);
    r->wt = wt_new(with_kills ? "test_welfare_random-kill" : "test_welfare_random");
    r->rng = seed;
    r->kill_rng = seed ^ 0xABCDEFull;
    r->digest = 0xCBF29CE484222325ull;
    pthread_mutex_init(&r->lock, NULL);
    r->pid = wt_start(r->wt, (const char *[]){"FC_CLAIM_IDLE_MS=300", NULL});
    wt_tree(r->wt);
    fc_rpc_client_opts_t o = {.actor_id = "t",
                              .actor_role = "service",
                              .org_scope = "",
                              .timeout_ms = fc_h_ms(600),
                              .retries = 0};
    r->client = fc_rpc_client_new(NULL, fc_endpoint_of("welfare"), &o);
    assert_non_null(r->client);
    wt_topup("G", "special_party_fee", 5000000);
    wt_topup("G", "epidemic_subsidy", 5000000);
    wt_allocate("G", "S1", "epidemic_subsidy", 300000);
    if (with_kills)
        assert_int_equal(pthread_create(&r->killer, NULL, s_killer, r), 0);
    for (int i = 0; i < ops; i++) {
        int what = s_pick(r, 100);
        if (what < 45)
            s_op_request(r);
        else if (what < 75)
            s_op_decide(r);
        else if (what < 88)
            s_op_funds(r);
        else
            s_op_event(r);
    }
    if (with_kills) {
        r->stop_killer = 1;
        pthread_join(r->killer, NULL);
        assert_int_equal(fc_h_wait_healthy("welfare", fc_h_ms(20000)), 0);
    }
    wt_wait_events(r->wt);
    assert_int_equal(fc_h_stop(r->pid, SIGTERM, fc_h_ms(10000)), 0);
    wt_assert_invariants(r->wt);
    s_mix_books(r);
    print_message("seed %" PRIu64 ": %d ops, %lld calls, %lld retries, %d kills (%d during a"
                  " call), %d keys, %lld disbursements, digest %016" PRIx64 "\n",
                  seed, ops, r->calls, r->retries, r->kills, r->kills_in_call, r->nreqs,
                  wt_q("SELECT count(*) FROM welfare.disbursement"), r->digest);
    /* the scenario must have done real work of every kind */
    assert_true(wt_q("SELECT count(DISTINCT state) FROM welfare.disbursement") >= 5);
    assert_true(wt_q("SELECT count(*) FROM welfare.disbursement WHERE source = 'intake'") > 0);
    uint64_t digest = r->digest;
    if (kills_out)
        *kills_out = r->kills;
    fc_rpc_client_destroy(&r->client);
    pthread_mutex_destroy(&r->lock);
    wt_destroy(&r->wt);
    free(r);
    return digest;
}

static void test_same_seed_same_books_despite_kills(void **state)
{
    (void)state;
    const char *s = getenv("WELFARE_SEED");
    const char *n = getenv("WELFARE_RANDOM_OPS");
    uint64_t seed = s && *s ? strtoull(s, NULL, 10) : 20261116ull;
#if defined(__SANITIZE_ADDRESS__)
    int ops = n && *n ? atoi(n) : 1000; /* sanitizers are several times slower: fewer ops */
#else
    int ops = n && *n ? atoi(n) : 3000;
#endif
    int kills = 0;
    uint64_t calm = s_scenario(seed, ops, 0, NULL);
    uint64_t killed = s_scenario(seed, ops, 1, &kills);
    if (calm != killed)
        print_error("seed %" PRIu64 ": digest %016" PRIx64 " undisturbed, %016" PRIx64
                    " with %d kills\n",
                    seed, calm, killed, kills);
    assert_true(kills > 0);
    assert_true(calm == killed);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_seed_same_books_despite_kills),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* welfare_test: what welfare's integration tests share. A stand-in for intake's side of the
 * event contract (its events written to an outbox table and moved to fc:events:intake by the
 * real outbox relay, byte for byte what fc-intake publishes), a test policy and clock file,
 * RPC calls to fc-welfare as any actor (retried Lazy-Pirate style with the same message id),
 * counting welfare's own events, and the invariant checker run after every scenario. */
#ifndef WELFARE_TEST_H
#define WELFARE_TEST_H

#include <stdint.h>
#include <sys/types.h>
#include <protobuf-c/protobuf-c.h>
#include "fc/v1/intake.pb-c.h"
#include "fc/v1/welfare.pb-c.h"
#include "fc_err.h"
#include "fc_pg.h"
#include "fc_redis.h"

/* 2026-11-16T00:00:00Z, a Monday 08:00 in Shanghai: the tests' day zero. */
#define WT_T0 INT64_C(1794787200000000)
#define WT_DAY INT64_C(86400000000)
#define WT_HOUR INT64_C(3600000000)

typedef struct {
    fc_pg_t *pg;  /* as fc_welfare on schema welfare */
    fc_pg_t *src; /* the stand-in intake outbox (superuser, schema wt_intake) */
    fc_redis_t *redis;
    void *relay;   /* fc_outbox_relay_t */
    char dir[256]; /* policy dir + clock file live here */
    char clock_file[300];
    char clock_env[320];  /* "FC_CLOCK=file:..." */
    char policy_env[320]; /* "FC_POLICY_DIR=..." */
    long long events_sent;
    int64_t now_us;
} wt_t;

/* Names the test, resets the database and Redis, writes the default policy (the repo's file)
 * and sets the clock file to WT_T0. */
wt_t *wt_new(const char *test_name);
void wt_destroy(wt_t **self_p);
/* Replaces the policy file with json (takes effect when fc-welfare starts). */
void wt_policy(wt_t *self, const char *json);
/* Moves the clock of fc-welfare and of this process. */
void wt_clock(wt_t *self, int64_t us);
/* Starts fc-welfare with the test clock and policy (plus extra "NAME=value" settings, NULL
 * ended, may be NULL) and waits for its health. Connects self->pg (migrations applied). */
pid_t wt_start(wt_t *self, const char *const *extra_env);
/* Applies welfare's migrations without starting the service (ledger-level tests). */
void wt_migrate(wt_t *self);

/* Publishes an intake event on fc:events:intake. */
void wt_event(wt_t *self, const char *type, const ProtobufCMessage *msg, int64_t at_us);
void wt_org(wt_t *self, const char *code, const char *parent, const char *kind);
void wt_person(wt_t *self, const char *emp, const char *org, int aid_team, const char *spouse);
void wt_incident(wt_t *self, int64_t id, const char *emp, const char *org, const char *kind,
                 int on_duty, int64_t at_us);
void wt_duty(wt_t *self, int64_t duty_id, const char *emp, const char *org, int risk_class,
             int64_t start_us, int minutes);
void wt_hardship(wt_t *self, int64_t case_id, const char *emp, const char *org, int64_t fen,
                 int closed);
/* The standard tree: G → S1 → C1 → B1, S1 → B2, G → S2 → B3; people E1, E2 (spouse E3),
 * A1 (aid team) and L1 in B1, E3 in B2, E4 in B3, GX in G. Waits until welfare has them. */
void wt_tree(wt_t *self);
/* Waits until fc-welfare has taken in every event published so far (its inbox). */
void wt_wait_events(wt_t *self);
/* How many events of type fc-welfare has published on fc:events:welfare so far, waiting up
 * to a few seconds for the relay to reach want (want < 0: no wait). */
long long wt_welfare_events(wt_t *self, const char *type, long long want);

/* Calls fc-welfare as actor/role/scope; retries timeouts and FC_EAGAIN with the same message
 * id for up to timeout_ms. reply_out may be NULL. Returns the final code. */
int wt_call(const char *actor, const char *role, const char *scope, const char *type,
            const ProtobufCMessage *req, const ProtobufCMessageDescriptor *desc,
            ProtobufCMessage **reply_out, fc_err_t *err);
/* The same as the group-wide service actor "test". */
int wt_svc(const char *type, const ProtobufCMessage *req, const ProtobufCMessageDescriptor *desc,
           ProtobufCMessage **reply_out, fc_err_t *err);

/* Shortcuts that assert success. */
void wt_topup(const char *org, const char *fund, int64_t fen);
void wt_allocate(const char *from, const char *to, const char *fund, int64_t fen);
/* A manual payment request by actor (role org_admin, scope); returns the code; *out (may be
 * NULL) gets the disbursement (caller frees the reply with wt_free). */
int wt_pay(const char *actor, const char *scope, const char *key, const char *emp, const char *kind,
           int64_t fen, Fc__V1__PayReply **out, fc_err_t *err);
int wt_decide(const char *type, const char *actor, const char *role, const char *scope, int64_t id,
              const char *note, Fc__V1__PayReply **out, fc_err_t *err);
void wt_free(void *reply);

/* Superuser queries on the test database. */
long long wt_q(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The budget balance of (org, fund), -1 if there is no account. */
long long wt_balance(const char *kind, const char *org, const char *fund);

/* Runs the invariant checker and fails the test (printing every violation) if any breaks. */
void wt_assert_invariants(wt_t *self);
/* Runs the checker; returns the number of violations (for tests that break the books). */
long long wt_violations(wt_t *self, const char *expect_check);

#endif

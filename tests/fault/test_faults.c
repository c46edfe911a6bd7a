/* Fault injection under steady load. A load thread records health check-ins through fc-intake
 * without pause (each batch under its own message id, retried with the same id until it is
 * answered), while faults hit the system: consumers SIGKILLed after dequeue, after their effect
 * but before commit, and after commit but before acknowledging — many times over; SIGTERM under
 * load; Redis killed and restarted; PostgreSQL stopped with -m immediate and restarted; the outbox
 * relay killed between publishing and marking; the RPC peer killed mid-request; a job worker
 * stopped past its lease; two schedulers with the leader killed; a job that always kills its
 * worker. After each, the checker demands: every acknowledged check-in stored once, every event
 * applied once by rotation and by report, no call blocked, recovery within 10 s. A table of
 * faults and results is printed at the end. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fc/v1/intake.pb-c.h"
#include "fc_clock.h"
#include "fc_endpoints.h"
#include "fc_harness.h"
#include "fc_jobrec.h"
#include "fc_log.h"
#include "fc_migrate.h"
#include "fc_rpc.h"

#define PEOPLE 50
#define BATCH 10
#define RECOVERY_LIMIT_MS 10000

/* ---- the system under test and its load ------------------------------------------- */

static pid_t s_intake, s_rotation, s_report;
/* the weekly schedule is report's own test's business: off here, so a due week does not make
 * report wait on services this test does not run */
static const char *s_consumer_env[] = {"FC_CLAIM_IDLE_MS=1000", "FC_REPORT_SCHEDULE_ENABLED=0",
                                       NULL};

typedef struct {
    pthread_t thread;
    volatile int stop;
    long acked;          /* check-ins the system answered for */
    long retries;        /* calls that had to be sent again under the same id */
    int64_t longest_ms;  /* the longest a batch waited for its answer */
    int blocked;         /* a batch not answered within 60 s */
    int refused;         /* an error reply that was not "try again" */
} s_load_t;

static s_load_t s_load;

static void *s_load_main(void *arg)
{
    (void)arg;
    fc_rpc_client_opts_t o = {.timeout_ms = 1000, .retries = 1};
    fc_rpc_client_t *c = fc_rpc_client_new(NULL, fc_endpoint_of("intake"), &o);
    unsigned seed = 7;
    while (!s_load.stop) {
        Fc__V1__HealthCheckin ci[BATCH], *cp[BATCH];
        char emp[BATCH][16];
        for (int k = 0; k < BATCH; k++) {
            fc__v1__health_checkin__init(&ci[k]);
            snprintf(emp[k], sizeof emp[k], "E%03d", (int)(rand_r(&seed) % PEOPLE));
            ci[k].employee_no = emp[k];
            ci[k].temperature_dc = 360 + (int)(rand_r(&seed) % 20);
            cp[k] = &ci[k];
        }
        Fc__V1__HealthCheckinRequest req = FC__V1__HEALTH_CHECKIN_REQUEST__INIT;
        req.checkins = cp;
        req.n_checkins = BATCH;
        char id[FC_ID_LEN + 1];
        fc_id_new(id);
        int64_t t0 = fc_clock_mono_ms();
        for (int attempt = 0;; attempt++) {
            ProtobufCMessage *reply = NULL;
            fc_err_t err;
            int rc = fc_rpc_call(c, "intake.health_checkin", &req.base,
                                 &fc__v1__health_checkin_reply__descriptor, &reply, id, &err);
            if (rc == FC_OK) {
                protobuf_c_message_free_unpacked(reply, NULL);
                s_load.acked += BATCH;
                break;
            }
            if (rc != FC_ETIMEOUT && rc != FC_EUNAVAIL && rc != FC_EAGAIN && rc != FC_ERR) {
                fprintf(stderr, "load: refused: %s: %s\n", err.field, err.message);
                s_load.refused++;
                break;
            }
            s_load.retries++;
            if (fc_clock_mono_ms() - t0 > 60000) {
                s_load.blocked++;
                break;
            }
            fc_h_sleep_ms(100);
        }
        int64_t waited = fc_clock_mono_ms() - t0;
        if (waited > s_load.longest_ms)
            s_load.longest_ms = waited;
        fc_h_sleep_ms(5);
    }
    fc_rpc_client_destroy(&c);
    return NULL;
}

static void s_load_start(void)
{
    s_load.stop = 0;
    s_load.longest_ms = 0;
    pthread_create(&s_load.thread, NULL, s_load_main, NULL);
}

static void s_load_stop(void)
{
    s_load.stop = 1;
    pthread_join(s_load.thread, NULL);
}

/* ---- the table -------------------------------------------------------------------- */

typedef struct {
    char fault[64];
    char injected[48];
    char result[160];
    int ok;
} s_row_t;

static s_row_t s_rows[32];
static int s_nrows;

static void s_row(int ok, const char *fault, const char *injected, const char *fmt, ...)
{
    s_row_t *r = &s_rows[s_nrows++];
    snprintf(r->fault, sizeof r->fault, "%s", fault);
    snprintf(r->injected, sizeof r->injected, "%s", injected);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->result, sizeof r->result, fmt, ap);
    va_end(ap);
    r->ok = ok;
}

/* The checker: every acknowledged check-in stored once and applied once downstream. Waits up
 * to RECOVERY_LIMIT_MS for the consumers to catch up; *ms_out how long that took. */
static int s_consistent(char *why, size_t n, int64_t *ms_out)
{
    int64_t t0 = fc_clock_mono_ms();
    long long stored = fc_h_scalar("SELECT count(*) FROM intake.health_checkin");
    long long rot = -1, rep = -1;
    while (fc_clock_mono_ms() - t0 < fc_h_ms(RECOVERY_LIMIT_MS)) {
        rot = fc_h_scalar("SELECT COALESCE(sum(checkins), 0) FROM rotation.person_health");
        rep = fc_h_scalar("SELECT COALESCE(sum(checkins), 0) FROM report.health_daily");
        if (rot == stored && rep == stored)
            break;
        fc_h_sleep_ms(50);
    }
    *ms_out = fc_clock_mono_ms() - t0;
    long long rot_inbox = fc_h_scalar("SELECT count(*) FROM rotation.inbox WHERE type = "
                                      "'intake.health_checked_in'");
    snprintf(why, n, "acked %ld, stored %lld, rotation %lld (inbox %lld), report %lld",
             s_load.acked, stored, rot, rot_inbox, rep);
    return stored == s_load.acked && rot == stored && rep == stored && rot_inbox == stored &&
           !s_load.blocked && !s_load.refused;
}

/* Checks a fault's outcome: consistent, and the services caught up within RECOVERY_LIMIT_MS
 * of being able to (recovered_ms: from the moment the fault was over, i.e. the process was
 * restarted or PostgreSQL/Redis answered again; infra_ms: how long that restart itself took,
 * shown, not counted: it is the machine's time to bring the dependency back, not ours). */
static void s_check_infra(const char *fault, const char *injected, int64_t recovered_ms,
                          int64_t infra_ms)
{
    s_load_stop();
    char why[160], infra[64] = "";
    int64_t ms = 0;
    int ok = s_consistent(why, sizeof why, &ms);
    int64_t rec = recovered_ms + ms;
    ok = ok && rec <= fc_h_ms(RECOVERY_LIMIT_MS) + 2000;
    if (infra_ms >= 0)
        snprintf(infra, sizeof infra, " (restart itself %lld ms)", (long long)infra_ms);
    s_row(ok, fault, injected, "%s: %s; caught up in %lld ms%s, longest call %lld ms",
          ok ? "ok" : "FAILED", why, (long long)rec, infra, (long long)s_load.longest_ms);
    if (!ok)
        fail_msg("%s: %s", fault, why);
}

static void s_check(const char *fault, const char *injected, int64_t recovered_ms)
{
    s_check_infra(fault, injected, recovered_ms, -1);
}

static int64_t s_up_timed(const char *service, pid_t *pid, const char *const *env)
{
    int64_t t0 = fc_clock_mono_ms();
    *pid = fc_h_up(service, env);
    return fc_clock_mono_ms() - t0;
}

/* ---- setup -------------------------------------------------------------------------- */

static int s_setup(void **state)
{
    (void)state;
    fc_h_init("test_faults");
    fc_h_reset();
    s_intake = fc_h_up("intake", NULL);
    s_rotation = fc_h_up("rotation", s_consumer_env);
    s_report = fc_h_up("report", s_consumer_env);
    assert_int_equal(fc_h_fcctl(NULL, "org add G --name 集团 --kind group >/dev/null"), 0);
    for (int i = 0; i < PEOPLE; i++)
        assert_int_equal(fc_h_fcctl(NULL, "person add E%03d --name 员工 --org G >/dev/null", i), 0);
    return 0;
}

static int s_teardown(void **state)
{
    (void)state;
    fc_h_stop(s_intake, SIGTERM, 10000);
    fc_h_stop(s_rotation, SIGTERM, 10000);
    fc_h_stop(s_report, SIGTERM, 10000);
    printf("\n%-52s %-12s %s\n", "FAULT", "INJECTED", "RESULT");
    for (int i = 0; i < s_nrows; i++)
        printf("%-52s %-12s %s\n", s_rows[i].fault, s_rows[i].injected, s_rows[i].result);
    int bad = 0;
    for (int i = 0; i < s_nrows; i++)
        bad += !s_rows[i].ok;
    printf("faults: %d passed, %d failed\n\n", s_nrows - bad, bad);
    return 0;
}

/* ---- consumer kills at each point, many times ------------------------------------------ */

static void s_kill_consumer_at(const char *point, int times)
{
    s_load_start();
    unsigned seed = 11;
    int killed = 0;
    fc_h_stop(s_rotation, SIGTERM, fc_h_ms(10000));
    for (int i = 0; i < times; i++) {
        char fault[64], after[32];
        snprintf(fault, sizeof fault, "FC_FAULT=%s", point);
        snprintf(after, sizeof after, "FC_FAULT_AFTER=%u", 1 + rand_r(&seed) % 20);
        const char *env[] = {"FC_CLAIM_IDLE_MS=1000", "FC_REPORT_SCHEDULE_ENABLED=0", fault, after,
                             NULL};
        pid_t victim = fc_h_start("rotation", env);
        int st = fc_h_wait_exit(victim, fc_h_ms(20000));
        if (st == -1) {
            kill(victim, SIGKILL);
            waitpid(victim, NULL, 0);
        } else if (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL) {
            killed++;
        }
    }
    int64_t rec = s_up_timed("rotation", &s_rotation, s_consumer_env);
    char what[64], inj[32];
    snprintf(what, sizeof what, "SIGKILL rotation at %s", point);
    snprintf(inj, sizeof inj, "%d of %d", killed, times);
    if (killed != times) {
        s_load_stop();
        s_row(0, what, inj, "FAILED: the fault point was not reached every time");
        fail_msg("%s: only %d kills", what, killed);
    }
    s_check(what, inj, rec);
}

static void test_kill_after_dequeue(void **state)
{
    (void)state;
    s_kill_consumer_at("consumer.after_read", 5);
}

static void test_kill_before_commit(void **state)
{
    (void)state;
    s_kill_consumer_at("consumer.before_commit", 5);
}

static void test_kill_after_commit(void **state)
{
    (void)state;
    s_kill_consumer_at("consumer.after_commit", 5);
}

static void test_sigterm_under_load(void **state)
{
    (void)state;
    s_load_start();
    fc_h_sleep_ms(300);
    int st1 = fc_h_stop(s_rotation, SIGTERM, fc_h_ms(10000));
    int st2 = fc_h_stop(s_report, SIGTERM, fc_h_ms(10000));
    int st3 = fc_h_stop(s_intake, SIGTERM, fc_h_ms(10000));
    int clean = WIFEXITED(st1) && !WEXITSTATUS(st1) && WIFEXITED(st2) && !WEXITSTATUS(st2) &&
                WIFEXITED(st3) && !WEXITSTATUS(st3);
    int64_t rec = s_up_timed("intake", &s_intake, NULL);
    rec += s_up_timed("rotation", &s_rotation, s_consumer_env);
    rec += s_up_timed("report", &s_report, s_consumer_env);
    if (!clean) {
        s_load_stop();
        s_row(0, "SIGTERM intake, rotation, report", "3", "FAILED: an exit status was not 0");
        fail_msg("SIGTERM: not a clean exit");
    }
    s_check("SIGTERM intake, rotation, report (exit 0)", "3", rec);
}

/* ---- infrastructure crashes -------------------------------------------------------- */

static void test_redis_killed(void **state)
{
    (void)state;
    s_load_start();
    fc_h_sleep_ms(300);
    assert_int_equal(fc_h_infra("crash redis"), 0);
    fc_h_sleep_ms(1000);
    int64_t t_restart = fc_clock_mono_ms();
    assert_int_equal(fc_h_infra("restart"), 0);
    int64_t t0 = fc_clock_mono_ms();
    assert_int_equal(fc_h_wait_healthy("intake", fc_h_ms(RECOVERY_LIMIT_MS)), 0);
    s_check_infra("Redis SIGKILL and restart (AOF everysec)", "1", fc_clock_mono_ms() - t0, t0 - t_restart);
}

static void test_postgres_crash(void **state)
{
    (void)state;
    s_load_start();
    fc_h_sleep_ms(300);
    assert_int_equal(fc_h_infra("crash pg"), 0);
    fc_h_sleep_ms(1000);
    int64_t t_restart = fc_clock_mono_ms();
    assert_int_equal(fc_h_infra("restart"), 0);
    int64_t t0 = fc_clock_mono_ms();
    assert_int_equal(fc_h_wait_healthy("intake", fc_h_ms(RECOVERY_LIMIT_MS)), 0);
    s_check_infra("PostgreSQL stop -m immediate, restart", "1", fc_clock_mono_ms() - t0, t0 - t_restart);
}

static void test_relay_killed_between_publish_and_mark(void **state)
{
    (void)state;
    s_load_start();
    fc_h_stop(s_intake, SIGKILL, 5000);
    const char *env[] = {"FC_FAULT=outbox.after_publish", "FC_FAULT_AFTER=3", NULL};
    pid_t victim = fc_h_start("intake", env);
    int st = fc_h_wait_exit(victim, fc_h_ms(20000));
    int died = st != -1 && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL;
    if (st == -1) {
        kill(victim, SIGKILL);
        waitpid(victim, NULL, 0);
    }
    int64_t rec = s_up_timed("intake", &s_intake, NULL);
    if (!died) {
        s_load_stop();
        s_row(0, "SIGKILL intake's relay after XADD", "0", "FAILED: the fault point was not reached");
        fail_msg("relay fault not reached");
    }
    s_check("SIGKILL intake's relay after XADD, before mark", "1", rec);
}

static void test_peer_killed_mid_request(void **state)
{
    (void)state;
    s_load_start();
    int kills = 0;
    int64_t rec = 0;
    for (int i = 0; i < 3; i++) {
        fc_h_sleep_ms(200 + 150 * i);
        fc_h_stop(s_intake, SIGKILL, 5000);
        kills++;
        rec = s_up_timed("intake", &s_intake, NULL);
    }
    char inj[16];
    snprintf(inj, sizeof inj, "%d", kills);
    s_check("SIGKILL the RPC peer mid-request (retry, same id)", inj, rec);
}

/* ---- jobs and schedules ----------------------------------------------------------- */

static fc_redis_t *s_redis(void)
{
    fc_err_t err;
    fc_redis_t *r = fc_redis_new(getenv("FC_REDIS_URL"), &err);
    assert_non_null(r);
    return r;
}

static void test_worker_stopped_past_its_lease(void **state)
{
    (void)state;
    fc_redis_t *r = s_redis();
    fc_jobq_opts_t o = {.lease_ms = 300};
    fc_jobq_t *q = fc_jobq_new(r, "fault-lease", &o);
    fc_err_t err;
    assert_int_equal(fc_jobq_enqueue(q, "job-1", "pay", 3, 0, &err), FC_OK);
    int pipefd[2];
    assert_int_equal(pipe(pipefd), 0);
    fflush(NULL);
    pid_t kid = fork();
    if (kid == 0) {
        fc_redis_t *kr = s_redis();
        fc_jobq_t *kq = fc_jobq_new(kr, "fault-lease", &o);
        fc_job_t *job = NULL;
        fc_err_t e;
        int got = fc_jobq_reserve(kq, fc_clock_now_us() / 1000, &job, &e) == FC_OK;
        char one = got ? '1' : '0';
        if (write(pipefd[1], &one, 1) != 1)
            _exit(9);
        raise(SIGSTOP); /* a worker frozen past its lease */
        int rc = fc_jobq_ack(kq, job, &e);
        _exit(rc == FC_ELEASE ? 0 : 1);
    }
    char got;
    assert_int_equal(read(pipefd[0], &got, 1), 1);
    assert_int_equal(got, '1');
    waitpid(kid, NULL, WUNTRACED);
    fc_h_sleep_ms(400);
    fc_job_t *job = NULL;
    assert_int_equal(fc_jobq_reserve(q, fc_clock_now_us() / 1000, &job, &err), FC_OK);
    assert_int_equal(fc_jobq_ack(q, job, &err), FC_OK);
    fc_job_destroy(&job);
    kill(kid, SIGCONT);
    int st;
    waitpid(kid, &st, 0);
    int ok = WIFEXITED(st) && WEXITSTATUS(st) == 0;
    s_row(ok, "worker SIGSTOPped past its lease", "1",
          ok ? "ok: its late ack was refused (ELEASE); the job ran once, by the other worker"
             : "FAILED: the late ack was accepted");
    close(pipefd[0]);
    close(pipefd[1]);
    fc_jobq_destroy(&q);
    fc_redis_destroy(&r);
    assert_true(ok);
}

/* A scheduler replica: for each period 1..periods, runs it exactly once in a transaction. */
static void s_scheduler(int periods, int die_at)
{
    fc_pg_opts_t o = {getenv("FC_PG_URL"), "fc_report", NULL, "report", "sched", 5};
    fc_err_t err;
    fc_pg_t *pg = fc_pg_new(&o, &err);
    if (!pg)
        _exit(2);
    fc_redis_t *r = s_redis();
    for (int p = 1; p <= periods; p++) {
        char period[16];
        snprintf(period, sizeof period, "2026-W%02d", p);
        /* Redis spares the other replica the work; PostgreSQL decides */
        if (fc_schedule_claim(r, "fault.weekly", period, 60000, &err) == FC_EDUP)
            continue;
        if (fc_pg_begin(pg, &err) != FC_OK)
            _exit(3);
        if (fc_schedule_run_once(pg, "fault.weekly", period, &err) == FC_OK) {
            const char *pp[] = {period};
            fc_pg_cmd(pg, "INSERT INTO weekly_runs (period) VALUES ($1)", 1, pp, NULL, &err);
            if (die_at && p >= die_at)
                raise(SIGKILL); /* the leader dies mid-run, before its commit */
        }
        fc_pg_commit(pg, &err);
        fc_h_sleep_ms(10);
    }
    fc_redis_destroy(&r);
    fc_pg_destroy(&pg);
    _exit(0);
}

static void test_two_schedulers_leader_killed(void **state)
{
    (void)state;
    PGresult *res = PQexec(fc_h_db(), "CREATE TABLE IF NOT EXISTS report.weekly_runs "
                                      "(period text); GRANT ALL ON report.weekly_runs TO fc_report");
    PQclear(res);
    fflush(NULL);
    pid_t a = fork();
    if (a == 0)
        s_scheduler(20, 7);
    pid_t b = fork();
    if (b == 0) {
        fc_h_sleep_ms(50);
        s_scheduler(20, 0);
    }
    int sa, sb;
    waitpid(a, &sa, 0);
    waitpid(b, &sb, 0);
    /* the dead leader's Redis claim kept b off that period (its TTL would free it later); a
     * later tick of any replica must find it unrun in PostgreSQL and run it */
    if (fork() == 0) {
        fc_redis_t *r = s_redis();
        redisReply *x = fc_redis_cmd(r, NULL, "EVAL %s 0",
                                     "for _, k in ipairs(redis.call('KEYS', "
                                     "'fc:sched:fault.weekly:*')) do redis.call('DEL', k) end");
        if (x)
            freeReplyObject(x);
        fc_redis_destroy(&r);
        s_scheduler(20, 0);
    }
    wait(NULL);
    long long runs = fc_h_scalar("SELECT count(*) FROM report.weekly_runs");
    long long distinct = fc_h_scalar("SELECT count(DISTINCT period) FROM report.weekly_runs");
    int ok = WIFSIGNALED(sa) && runs == 20 && distinct == 20;
    s_row(ok, "two schedulers, the leader killed mid-run", "1",
          "%s: 20 periods, %lld runs, %lld distinct", ok ? "ok" : "FAILED", runs, distinct);
    assert_true(ok);
}

static void test_poison_job(void **state)
{
    (void)state;
    fc_redis_t *r = s_redis();
    fc_jobq_opts_t o = {.lease_ms = 100, .max_attempts = 3};
    fc_jobq_t *q = fc_jobq_new(r, "fault-poison", &o);
    fc_err_t err;
    int64_t now = 1900000000000LL;
    assert_int_equal(fc_jobq_enqueue(q, "poison", "crash", 5, 0, &err), FC_OK);
    for (int i = 0; i < 5; i++) {
        char id[16];
        snprintf(id, sizeof id, "good-%d", i);
        assert_int_equal(fc_jobq_enqueue(q, id, "work", 4, 0, &err), FC_OK);
    }
    int done = 0, deaths = 0, idle = 0;
    for (int round = 0; round < 60 && idle < 2; round++) {
        now += 200;
        fflush(NULL);
        pid_t w = fork();
        if (w == 0) {
            /* a worker process: a poison job kills it; a good one is acknowledged */
            fc_redis_t *wr = s_redis();
            fc_jobq_t *wq = fc_jobq_new(wr, "fault-poison", &o);
            fc_job_t *job = NULL;
            fc_err_t e;
            if (fc_jobq_reserve(wq, now, &job, &e) != FC_OK)
                _exit(10);
            if (strcmp(job->payload, "crash") == 0)
                raise(SIGKILL);
            _exit(fc_jobq_ack(wq, job, &e) == FC_OK ? 0 : 11);
        }
        int st;
        waitpid(w, &st, 0);
        if (WIFSIGNALED(st))
            deaths++;
        else if (WEXITSTATUS(st) == 0)
            done++;
        idle = WIFEXITED(st) && WEXITSTATUS(st) == 10 ? idle + 1 : 0;
    }
    fc_jobq_depth_t d;
    assert_int_equal(fc_jobq_depth(q, &d, &err), FC_OK);
    int ok = done == 5 && d.dead == 1 && d.ready == 0 && d.leased == 0 && deaths == 3;
    s_row(ok, "a job that always kills its worker", "3 deaths",
          "%s: dead-lettered after %d attempts, %d good jobs done", ok ? "ok" : "FAILED", deaths,
          done);
    fc_jobq_destroy(&q);
    fc_redis_destroy(&r);
    assert_true(ok);
}

int main(void)
{
    fc_log_init("test_faults", FC_LOG_ERROR);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kill_after_dequeue),
        cmocka_unit_test(test_kill_before_commit),
        cmocka_unit_test(test_kill_after_commit),
        cmocka_unit_test(test_sigterm_under_load),
        cmocka_unit_test(test_redis_killed),
        cmocka_unit_test(test_postgres_crash),
        cmocka_unit_test(test_relay_killed_between_publish_and_mark),
        cmocka_unit_test(test_peer_killed_mid_request),
        cmocka_unit_test(test_worker_stopped_past_its_lease),
        cmocka_unit_test(test_two_schedulers_leader_killed),
        cmocka_unit_test(test_poison_job),
    };
    return cmocka_run_group_tests(tests, s_setup, s_teardown);
}

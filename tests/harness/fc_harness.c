/* fc_harness: process control, health waits and database checks for integration tests. */
#include "fc_harness.h"
#include "fc_endpoints.h"
#include "fc_err.h"
#include "fc_health.h"
#include "fc_mem.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <hiredis/hiredis.h>

static char s_test[64] = "test";
static PGconn *s_db;

#if defined(__SANITIZE_ADDRESS__)
#define FC_H_SLOWDOWN 4
#else
#define FC_H_SLOWDOWN 1
#endif

int fc_h_ms(int ms)
{
    return ms * FC_H_SLOWDOWN;
}

void fc_h_sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static void s_die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "harness: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    exit(1);
}

static const char *s_env(const char *name)
{
    const char *v = getenv(name);
    if (!v || !*v)
        s_die("%s is not set: run tests through ctest (tests/harness/with-env.sh)", name);
    return v;
}

void fc_h_init(const char *test_name)
{
    snprintf(s_test, sizeof s_test, "%s", test_name);
    signal(SIGPIPE, SIG_IGN);
}

pid_t fc_h_start(const char *service, const char *const *extra_env)
{
    char *bin = fc_xasprintf("%s/fc-%s", s_env("FC_BIN_DIR"), service);
    char *log = fc_xasprintf("%s/%s-%s.log", s_env("FC_TEST_LOG_DIR"), s_test, service);
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        s_die("fork failed");
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd >= 0) {
            dup2(fd, STDERR_FILENO);
            dup2(fd, STDOUT_FILENO);
            close(fd);
        }
        setenv("FC_LOG_LEVEL", "info", 0);
        for (const char *const *e = extra_env; e && *e; e++)
            putenv((char *)*e);
        execl(bin, bin, (char *)NULL);
        _exit(127);
    }
    free(bin);
    free(log);
    return pid;
}

int fc_h_wait_healthy(const char *service, int timeout_ms)
{
    const char *ep = fc_endpoint_of(service);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        Fc__V1__HealthReply *h = NULL;
        fc_err_t err;
        if (fc_health_query(NULL, ep, 300, &h, &err) == FC_OK) {
            int ok = h->db_ok && h->redis_ok;
            fc__v1__health_reply__free_unpacked(h, NULL);
            if (ok)
                return 0;
        }
        struct timespec t;
        clock_gettime(CLOCK_MONOTONIC, &t);
        long el = (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000;
        if (el > timeout_ms)
            return -1;
        fc_h_sleep_ms(50);
    }
}

pid_t fc_h_up(const char *service, const char *const *extra_env)
{
    pid_t pid = fc_h_start(service, extra_env);
    if (fc_h_wait_healthy(service, fc_h_ms(20000)) != 0) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        s_die("fc-%s did not become healthy; see %s/%s-%s.log", service,
              s_env("FC_TEST_LOG_DIR"), s_test, service);
    }
    return pid;
}

int fc_h_wait_exit(pid_t pid, int timeout_ms)
{
    for (int waited = 0;; waited += 20) {
        int status;
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid)
            return status;
        if (r < 0)
            return -1;
        if (waited >= timeout_ms)
            return -1;
        fc_h_sleep_ms(20);
    }
}

int fc_h_stop(pid_t pid, int sig, int timeout_ms)
{
    kill(pid, sig);
    int status = fc_h_wait_exit(pid, timeout_ms);
    if (status == -1) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
    }
    return status;
}

PGconn *fc_h_db(void)
{
    if (s_db && PQstatus(s_db) == CONNECTION_OK)
        return s_db;
    if (s_db)
        PQfinish(s_db);
    s_db = PQconnectdb(s_env("FC_PG_ADMIN_URL"));
    if (PQstatus(s_db) != CONNECTION_OK)
        s_die("could not connect to the test database: %s", PQerrorMessage(s_db));
    return s_db;
}

long long fc_h_scalar(const char *sql)
{
    PGresult *r = PQexec(fc_h_db(), sql);
    if (PQresultStatus(r) != PGRES_TUPLES_OK && PQstatus(s_db) != CONNECTION_OK) {
        /* the server restarted under us (fault tests): connect again once */
        PQclear(r);
        r = PQexec(fc_h_db(), sql);
    }
    long long v = -1;
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0 && !PQgetisnull(r, 0, 0))
        v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    else if (PQresultStatus(r) != PGRES_TUPLES_OK)
        fprintf(stderr, "harness: %s: %s", sql, PQerrorMessage(fc_h_db()));
    PQclear(r);
    return v;
}

long long fc_h_wait_scalar(const char *sql, long long want, int timeout_ms)
{
    long long v = -1;
    for (int waited = 0; waited <= timeout_ms; waited += 50) {
        v = fc_h_scalar(sql);
        if (v == want)
            return v;
        fc_h_sleep_ms(50);
    }
    return v;
}

void fc_h_reset(void)
{
    static const char *schemas[] = {"intake", "rotation", "welfare", "notify", "report",
                                    "gateway"};
    for (size_t i = 0; i < sizeof schemas / sizeof schemas[0]; i++) {
        char *sql = fc_xasprintf("DROP SCHEMA IF EXISTS %s CASCADE;"
                                 " CREATE SCHEMA %s AUTHORIZATION fc_%s",
                                 schemas[i], schemas[i], schemas[i]);
        PGresult *r = PQexec(fc_h_db(), sql);
        if (PQresultStatus(r) != PGRES_COMMAND_OK)
            s_die("reset of schema %s failed: %s", schemas[i], PQerrorMessage(fc_h_db()));
        PQclear(r);
        free(sql);
    }
    const char *url = s_env("FC_REDIS_URL");
    const char *hp = strstr(url, "://");
    char host[128] = "127.0.0.1";
    int port = 6379;
    if (hp)
        sscanf(hp + 3, "%127[^:]:%d", host, &port);
    redisContext *c = redisConnect(host, port);
    if (!c || c->err)
        s_die("could not connect to the test redis at %s:%d", host, port);
    redisReply *rep = redisCommand(c, "FLUSHALL");
    if (rep)
        freeReplyObject(rep);
    redisFree(c);
}

int fc_h_fcctl(char **out, const char *args_fmt, ...)
{
    va_list ap;
    va_start(ap, args_fmt);
    char *args = fc_xvasprintf(args_fmt, ap);
    va_end(ap);
    char *cmd = fc_xasprintf("%s/fcctl %s", s_env("FC_BIN_DIR"), args);
    free(args);
    fflush(NULL);
    FILE *p = popen(cmd, "r");
    free(cmd);
    if (!p)
        return -1;
    fc_buf_t b;
    fc_buf_init(&b);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
        fc_buf_append(&b, chunk, n);
    int status = pclose(p);
    if (out)
        *out = b.data ? b.data : fc_xstrdup("");
    else
        fc_buf_fini(&b);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int fc_h_infra(const char *args)
{
    char *cmd = fc_xasprintf("bash %s/tests/harness/infra.sh %s >>%s/infra.log 2>&1",
                             s_env("FC_REPO_DIR"), args, s_env("FC_TEST_LOG_DIR"));
    int st = system(cmd);
    free(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

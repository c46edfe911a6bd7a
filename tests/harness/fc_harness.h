/* fc_harness: what integration tests need around the system under test: start and stop real
 * service processes, wait for their health, reset the database and Redis between tests, and
 * query PostgreSQL as the superuser to check effects. Logs of each process go to
 * $FC_TEST_LOG_DIR/<test>-<service>.log and are kept. Timeouts scale under sanitizers. */
#ifndef FC_HARNESS_H
#define FC_HARNESS_H

#include <libpq-fe.h>
#include <sys/types.h>

/* Multiplies a timeout when built with sanitizers (they slow everything down). */
int fc_h_ms(int ms);
/* Names this test for its log files. */
void fc_h_init(const char *test_name);
/* Starts build/bin/fc-<service> with extra "NAME=value" variables (NULL-terminated list,
 * may be NULL). Returns its pid; aborts the test on failure. */
pid_t fc_h_start(const char *service, const char *const *extra_env);
/* Waits until the service answers its health request; 0 on success, -1 on timeout. */
int fc_h_wait_healthy(const char *service, int timeout_ms);
/* Starts and waits; aborts the test if it does not come up. */
pid_t fc_h_up(const char *service, const char *const *extra_env);
/* Sends sig and waits for the exit; returns the wait status, or -1 on timeout. */
int fc_h_stop(pid_t pid, int sig, int timeout_ms);
/* Waits for a process to exit by itself (e.g. killed at a fault point). */
int fc_h_wait_exit(pid_t pid, int timeout_ms);
/* Drops every service schema's tables (recreating the empty schemas) and flushes Redis. */
void fc_h_reset(void);
/* A superuser connection to the test database (cached; do not PQfinish). */
PGconn *fc_h_db(void);
/* First column of the first row of sql as an integer (-1 on error). */
long long fc_h_scalar(const char *sql);
/* Polls sql until it returns want or timeout; returns the last value. */
long long fc_h_wait_scalar(const char *sql, long long want, int timeout_ms);
/* Runs an fcctl command line (a shell string after "fcctl"); returns its exit code, and its
 * stdout in out (caller frees) if out is not NULL. */
int fc_h_fcctl(char **out, const char *args_fmt, ...) __attribute__((format(printf, 2, 3)));
void fc_h_sleep_ms(int ms);
/* Runs tests/harness/infra.sh with args ("crash redis", "restart"); returns its exit code. */
int fc_h_infra(const char *args);

#endif

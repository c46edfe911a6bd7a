/* intake_testkit: what intake's integration tests share: fcctl run with its exit code
 * asserted (stderr folded into the output), a refusal checked for the field and reason code it
 * names, fc-intake started on a freshly reset database and stopped cleanly. The checks are
 * cmocka assertions: call from a test or its setup/teardown. */
#ifndef INTAKE_TESTKIT_H
#define INTAKE_TESTKIT_H

#include <sys/types.h>

/* Runs fcctl with these arguments; asserts the exit code is want; returns the output (stdout
 * and stderr; caller frees). */
char *intake_testkit_run(int want, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* fcctl must succeed (exit 0); the output is dropped. */
void intake_testkit_ok(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* fcctl must refuse (exit 1) naming field ("field: ") with the given code ("(EINVAL)"). */
void intake_testkit_refused(const char *field, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* want must be in out. */
void intake_testkit_has(const char *out, const char *want);

/* Resets the database and starts fc-intake (extra_env as for fc_h_up) into *pid; an fc-intake
 * left in *pid by a setup that failed half-way (cmocka skips its teardown) is killed first. */
void intake_testkit_up(pid_t *pid, const char *const *extra_env);
/* Stops fc-intake with SIGTERM; asserts it exits 0; *pid becomes 0. */
void intake_testkit_down(pid_t *pid);

#endif

/* notify_world: the small group every notify integration test starts from, and the waits
 * they share. A group G with subsidiary S1 (its organisation department reads English) and
 * branch B1; 张三 E001 on the front line in B1, 李书记 SEC1 (leadership of B1: the branch
 * secretary), 王总 L1 and 赵总 L2 (leadership-team members of S1). fc-notify runs against the
 * fakes with the file clock at the world's start. */
#ifndef NOTIFY_WORLD_H
#define NOTIFY_WORLD_H

#include <stdint.h>
#include <sys/types.h>
#include "notify_fake.h"

typedef struct {
    notify_fake_t *http;
    notify_fake_t *smtp;
    pid_t notify;
    char robot_group[128], robot_s1[128];
} notify_world_t;

/* Starts the fakes (once per test binary). */
void nw_fakes(notify_world_t *w);
/* Resets the database and Redis, sets the clock to t, starts fc-notify with extra env (may
 * be NULL), publishes the group and configures the departments; waits until notify has it. */
void nw_begin(notify_world_t *w, const char *test, int64_t t, const char *const *extra);
/* Stops fc-notify (SIGTERM; it must exit 0) and clears the fakes. */
void nw_end(notify_world_t *w);
void nw_destroy(notify_world_t *w);

/* Polls until the fake has want delivered requests of kind; returns the last count. */
int nw_wait_fake(notify_fake_t *f, const char *kind, int want, int timeout_ms);
/* Polls until the fake has want delivered requests of kind containing needle. */
int nw_wait_fake_with(notify_fake_t *f, const char *kind, const char *needle, int want,
                      int timeout_ms);
/* Lets notify run a little (for "nothing more arrives" checks). */
void nw_settle(int ms);

/* 1 if pid ends killed by SIGKILL within timeout_ms (a fault point fired). */
int nw_killed(pid_t pid, int timeout_ms);
/* After a kill and restart: waits out the real-time lease of the attempts cut off, then moves
 * business time on (*now, by 2 s a step: the sweeper's grace, retry backoff) until sql gives
 * want; returns the last value. */
long long nw_recover(int64_t *now, const char *sql, long long want);
/* fcctl ARGS against this test's services (stderr with stdout): its exit code; the output is
 * printed when it fails. */
int nw_fcctl(const char *args);

#endif

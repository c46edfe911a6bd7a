/* fc_job: a Redis job queue. Ready and delayed jobs, a lease per reserved job with a token
 * (a worker that lost its lease cannot acknowledge), retry with exponential backoff and
 * jitter, a dead-letter list after N attempts, and once-per-period schedule claims. Every
 * state change is one atomic Lua script. PostgreSQL stays the record of jobs that matter;
 * fc_jobq_enqueue is idempotent by job id so a sweeper can re-enqueue what Redis lost. */
#ifndef FC_JOB_H
#define FC_JOB_H

#include <stddef.h>
#include <stdint.h>
#include "fc_err.h"
#include "fc_id.h"
#include "fc_redis.h"

typedef struct {
    int64_t lease_ms;        /* how long a reserved job is ours; default 30000 */
    int max_attempts;        /* then dead-letter; default 5 */
    int64_t backoff_base_ms; /* first retry delay; default 1000, doubled per attempt */
    int64_t backoff_max_ms;  /* cap; default 300000 */
    int64_t done_ttl_ms;     /* how long a finished id is remembered against re-enqueue; default 7 days */
} fc_jobq_opts_t;

typedef struct fc_jobq fc_jobq_t;

typedef struct {
    char *id;
    char *payload;           /* NUL-terminated text (payloads may not contain NUL bytes) */
    size_t payload_len;
    int attempts;            /* including this one */
    char token[FC_ID_LEN + 1];
    int64_t lease_until_ms;
} fc_job_t;

/* redis is borrowed and must outlive the queue; opts may be NULL for defaults. */
fc_jobq_t *fc_jobq_new(fc_redis_t *redis, const char *queue, const fc_jobq_opts_t *opts);
void fc_jobq_destroy(fc_jobq_t **self_p);
void fc_job_destroy(fc_job_t **job_p);

/* Enqueues job_id to run at run_at_ms (0: ready at once; otherwise delayed until a reserve at
 * or after that time). FC_EDUP if that id is queued, leased, dead or finished within
 * done_ttl: nothing changes. A payload with a NUL byte is FC_EINVAL. */
int fc_jobq_enqueue(fc_jobq_t *self, const char *job_id, const void *payload, size_t len,
                    int64_t run_at_ms, fc_err_t *err);
/* Takes the next due job with a fresh lease; FC_ENOTFOUND if none is due. The caller owns
 * *job_out. Also returns jobs whose lease expired to the queue first. */
int fc_jobq_reserve(fc_jobq_t *self, int64_t now_ms, fc_job_t **job_out, fc_err_t *err);
/* Marks the job done. FC_ELEASE if the lease was lost (expired and taken back, or cancelled). */
int fc_jobq_ack(fc_jobq_t *self, const fc_job_t *job, fc_err_t *err);
/* Records a failed attempt: retry after backoff with jitter, or dead-letter after
 * max_attempts (*dead_out = 1). FC_ELEASE if the lease was lost. dead_out may be NULL. */
int fc_jobq_fail(fc_jobq_t *self, const fc_job_t *job, int64_t now_ms, const char *reason,
                 int *dead_out, fc_err_t *err);
/* Extends a held lease by lease_ms from now. FC_ELEASE if lost. */
int fc_jobq_extend(fc_jobq_t *self, fc_job_t *job, int64_t now_ms, fc_err_t *err);
/* Removes a job in any state (a worker holding it then gets FC_ELEASE); sets no done
 * marker, so the id may be enqueued again. FC_ENOTFOUND if absent. */
int fc_jobq_cancel(fc_jobq_t *self, const char *job_id, fc_err_t *err);
/* Puts jobs whose lease expired before now back to ready (or to dead when that was their last
 * attempt); *n_out counts every expired lease handled (may be NULL). */
int fc_jobq_reap(fc_jobq_t *self, int64_t now_ms, int *n_out, fc_err_t *err);
/* 1 if the id is queued, delayed, leased or dead; 0 if unknown or finished; <0 on error. */
int fc_jobq_exists(fc_jobq_t *self, const char *job_id, fc_err_t *err);
typedef struct {
    int64_t ready, delayed, leased, dead;
} fc_jobq_depth_t;
int fc_jobq_depth(fc_jobq_t *self, fc_jobq_depth_t *out, fc_err_t *err);
/* Moves a dead job back to ready with its attempts reset. */
int fc_jobq_requeue_dead(fc_jobq_t *self, const char *job_id, fc_err_t *err);

/* Claims a period of a schedule ("report.weekly", "2026-W47") for this caller only:
 * FC_OK once per period across every replica, FC_EDUP to everyone else. */
int fc_schedule_claim(fc_redis_t *redis, const char *schedule, const char *period,
                      int64_t ttl_ms, fc_err_t *err);

#endif

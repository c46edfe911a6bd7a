/* fc_jobrec: PostgreSQL as the record of the jobs that matter (a payment, a reminder). A job is
 * first a row in the service's `jobs` table, written with its idempotency key in the same
 * transaction as the change that caused it; Redis (fc_job) only carries the dispatch. The
 * sweeper re-enqueues every due pending job Redis does not hold (Redis lost it), and a worker
 * claims the row in the transaction of its effect, so a job re-delivered after its effect
 * committed (the worker died before acknowledging) is acknowledged without a second effect.
 *
 *   reserve → BEGIN → fc_jobrec_claim (FC_EDUP: rollback, ack, next) → effect →
 *   fc_jobrec_finish("done") → COMMIT → ack
 */
#ifndef FC_JOBREC_H
#define FC_JOBREC_H

#include <stdint.h>
#include "fc_err.h"
#include "fc_job.h"
#include "fc_pg.h"

/* Records a job inside the caller's open transaction. FC_EDUP if job_id exists: nothing
 * changes. payload is text (no NUL). */
int fc_jobrec_add(fc_pg_t *pg, const char *queue, const char *job_id, const char *payload,
                  int64_t run_at_us, fc_err_t *err);
/* After the commit: hands the job to Redis. Already there counts as success; a failure is
 * only logged by the caller, since the sweeper will enqueue it. */
int fc_jobrec_dispatch(fc_jobq_t *q, const char *job_id, const char *payload, int64_t run_at_us,
                       fc_err_t *err);
/* Enqueues again every pending job of queue due by now_us that Redis does not hold, up to max;
 * *n_out how many (may be NULL). */
int fc_jobrec_sweep(fc_pg_t *pg, fc_jobq_t *q, const char *queue, int64_t now_us, int max,
                    int *n_out, fc_err_t *err);
/* Inside the worker's transaction: locks the job's row. FC_OK if it is pending (go on),
 * FC_EDUP if it is already done, dead or cancelled (apply nothing, acknowledge),
 * FC_ENOTFOUND if unknown. */
int fc_jobrec_claim(fc_pg_t *pg, const char *job_id, fc_err_t *err);
/* Inside the worker's transaction: state is "done", "dead" or "cancelled"; error may be NULL. */
int fc_jobrec_finish(fc_pg_t *pg, const char *job_id, const char *state, const char *error,
                     fc_err_t *err);
/* Counts of a queue's jobs by state in PostgreSQL (any pointer may be NULL). */
int fc_jobrec_counts(fc_pg_t *pg, const char *queue, long long *pending, long long *done,
                     long long *dead, fc_err_t *err);

/* A periodic run, exactly once per period however many replicas: inside the caller's open
 * transaction, records (schedule, period). FC_OK: this caller runs it, in this transaction
 * (if it dies before the commit, the row goes with it and another replica runs the period);
 * FC_EDUP: the period already ran. fc_schedule_claim (fc_job.h) in Redis can spare the others
 * the work; this row is the record. */
int fc_schedule_run_once(fc_pg_t *pg, const char *schedule, const char *period, fc_err_t *err);

#endif

/* fc_jobrec: jobs recorded in PostgreSQL, dispatched by Redis, swept back when Redis loses
 * them, and claimed in the worker's own transaction so an effect never happens twice. */
#include "fc_jobrec.h"
#include "fc_log.h"

#include <stdio.h>
#include <string.h>

int fc_jobrec_add(fc_pg_t *pg, const char *queue, const char *job_id, const char *payload,
                  int64_t run_at_us, fc_err_t *err)
{
    char at[24];
    snprintf(at, sizeof at, "%lld", (long long)run_at_us);
    const char *p[] = {job_id, queue, payload, at};
    long n = 0;
    int rc = fc_pg_cmd(pg,
                       "INSERT INTO jobs (job_id, queue, payload, run_at_us) VALUES ($1, $2, $3, $4)"
                       " ON CONFLICT (job_id) DO NOTHING",
                       4, p, &n, err);
    if (rc != FC_OK)
        return rc;
    return n == 1 ? FC_OK : fc_err_set(err, FC_EDUP, "job_id", "job \"%s\" is already recorded",
                                       job_id);
}

int fc_jobrec_dispatch(fc_jobq_t *q, const char *job_id, const char *payload, int64_t run_at_us,
                       fc_err_t *err)
{
    int rc = fc_jobq_enqueue(q, job_id, payload, strlen(payload), run_at_us / 1000, err);
    return rc == FC_EDUP ? FC_OK : rc;
}

int fc_jobrec_sweep(fc_pg_t *pg, fc_jobq_t *q, const char *queue, int64_t now_us, int max,
                    int *n_out, fc_err_t *err)
{
    char now[24], lim[16];
    snprintf(now, sizeof now, "%lld", (long long)now_us);
    snprintf(lim, sizeof lim, "%d", max > 0 ? max : 1000);
    const char *p[] = {queue, now, lim};
    PGresult *r = fc_pg_exec(pg,
                             "SELECT job_id, payload, run_at_us FROM jobs WHERE queue = $1"
                             " AND state = 'pending' AND run_at_us <= $2"
                             " ORDER BY run_at_us LIMIT $3",
                             3, p, err);
    if (!r)
        return err ? err->code : FC_ERR;
    int rc = FC_OK, n = 0;
    for (int i = 0; i < PQntuples(r) && rc == FC_OK; i++) {
        const char *id = PQgetvalue(r, i, 0);
        int held = fc_jobq_exists(q, id, err);
        if (held < 0) {
            rc = err ? err->code : FC_EUNAVAIL;
            break;
        }
        if (held)
            continue;
        rc = fc_jobq_enqueue(q, id, PQgetvalue(r, i, 1), strlen(PQgetvalue(r, i, 1)),
                             fc_pg_int(r, i, 2) / 1000, err);
        if (rc == FC_EDUP) {
            /* Redis remembers it finished, PostgreSQL does not: the effect's transaction never
             * committed (only an ack without a commit could do that). Leave it to an operator. */
            fc_log_warn("jobrec.finished_in_redis_only", "queue", FC_LS(queue), "job_id",
                        FC_LS(id), NULL);
            rc = FC_OK;
            continue;
        }
        if (rc == FC_OK) {
            n++;
            fc_log_info("jobrec.swept", "queue", FC_LS(queue), "job_id", FC_LS(id), NULL);
        }
    }
    PQclear(r);
    if (n_out)
        *n_out = n;
    return rc;
}

int fc_jobrec_claim(fc_pg_t *pg, const char *job_id, fc_err_t *err)
{
    const char *p[] = {job_id};
    PGresult *r = fc_pg_exec(pg, "SELECT state FROM jobs WHERE job_id = $1 FOR UPDATE", 1, p, err);
    if (!r)
        return err ? err->code : FC_ERR;
    int rc;
    if (PQntuples(r) == 0)
        rc = fc_err_set(err, FC_ENOTFOUND, "job_id", "job \"%s\" is not recorded", job_id);
    else if (strcmp(PQgetvalue(r, 0, 0), "pending") != 0)
        rc = fc_err_set(err, FC_EDUP, "job_id", "job \"%s\" is already %s", job_id,
                        PQgetvalue(r, 0, 0));
    else
        rc = FC_OK;
    PQclear(r);
    return rc;
}

int fc_jobrec_finish(fc_pg_t *pg, const char *job_id, const char *state, const char *error,
                     fc_err_t *err)
{
    const char *p[] = {job_id, state, error};
    long n = 0;
    int rc = fc_pg_cmd(pg,
                       "UPDATE jobs SET state = $2, last_error = $3, attempts = attempts + 1,"
                       " finished_at = now() WHERE job_id = $1",
                       3, p, &n, err);
    if (rc == FC_OK && n != 1)
        rc = fc_err_set(err, FC_ENOTFOUND, "job_id", "job \"%s\" is not recorded", job_id);
    return rc;
}

int fc_jobrec_counts(fc_pg_t *pg, const char *queue, long long *pending, long long *done,
                     long long *dead, fc_err_t *err)
{
    const char *p[] = {queue};
    PGresult *r = fc_pg_exec(pg,
                             "SELECT count(*) FILTER (WHERE state = 'pending'),"
                             " count(*) FILTER (WHERE state = 'done'),"
                             " count(*) FILTER (WHERE state = 'dead') FROM jobs WHERE queue = $1",
                             1, p, err);
    if (!r)
        return err ? err->code : FC_ERR;
    if (pending)
        *pending = fc_pg_int(r, 0, 0);
    if (done)
        *done = fc_pg_int(r, 0, 1);
    if (dead)
        *dead = fc_pg_int(r, 0, 2);
    PQclear(r);
    return FC_OK;
}

int fc_schedule_run_once(fc_pg_t *pg, const char *schedule, const char *period, fc_err_t *err)
{
    const char *p[] = {schedule, period};
    long n = 0;
    int rc = fc_pg_cmd(pg,
                       "INSERT INTO schedule_runs (schedule, period) VALUES ($1, $2)"
                       " ON CONFLICT DO NOTHING",
                       2, p, &n, err);
    if (rc != FC_OK)
        return rc;
    return n == 1 ? FC_OK
                  : fc_err_set(err, FC_EDUP, "period", "%s already ran for %s", schedule, period);
}

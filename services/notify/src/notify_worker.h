/* notify_worker: a thread with its own PostgreSQL and Redis connections and a libcurl multi
 * handle that turns due reminders into messages and delivers them, so sending never holds up
 * the service's RPC socket. One pass:
 *
 *   reserve due reminder jobs → BEGIN; claim them (the fc_jobrec lock, for the batch);
 *   resolve recipients; render; insert messages and deliveries (each delivery with its job);
 *   finish the reminders → COMMIT → ack
 *   reserve due delivery jobs (retries, deferred, swept) and add the new deliveries
 *   → BEGIN; claim them; quiet hours and pacing defer some to a new job; mark the rest
 *   sending until a lease → COMMIT → send them all concurrently (curl multi)
 *   → BEGIN; record each outcome (sent, failed with its next try, dead; the inbox row) →
 *   COMMIT → ack, or fail (Redis backoff and jitter), or dispatch the retry.
 *
 * A delivery found "sending" after its lease ran out was cut off mid-send: its outcome is
 * unknown. Channels with receipts (SMS, file) are asked first; the inbox was never written
 * (same transaction as "sent"); wecom and email follow the in-doubt policy (resend, marked as
 * a possible repeat, or assume it arrived). */
#ifndef NOTIFY_WORKER_H
#define NOTIFY_WORKER_H

#include "fc_err.h"
#include "notify_app.h"

typedef struct {
    const notify_cfg_t *cfg;
    const notify_policy_t *policy;
    const notify_templates_t *templates;
    const notify_channels_t *channels;
    const char *pg_url, *pg_user, *pg_password, *redis_url;
    int connect_wait_s;
} notify_worker_ctx_t;

/* Connects (ctx and what it points to are borrowed and must outlive the worker). */
notify_worker_t *notify_worker_new(const notify_worker_ctx_t *ctx, int index, fc_err_t *err);
/* Runs passes on a thread of its own until destroyed. */
int notify_worker_start(notify_worker_t *self, fc_err_t *err);
/* Stops the thread (the pass in hand finishes), joins it, disconnects. */
void notify_worker_destroy(notify_worker_t **self_p);
/* One pass on the caller's thread; *work_out how many jobs it handled. */
int notify_worker_pass(notify_worker_t *self, int *work_out, fc_err_t *err);

#endif

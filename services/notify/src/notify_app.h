/* notify_app: the state of one fc-notify process that its parts share: configuration,
 * policy, templates and channels (read-only once started), the main thread's job queues and
 * the list of jobs to hand to Redis once the transaction that recorded them has committed,
 * and the worker threads. */
#ifndef NOTIFY_APP_H
#define NOTIFY_APP_H

#include <stdint.h>
#include "fc_id.h"
#include "fc_job.h"
#include "fc_service.h"
#include "notify_channel.h"
#include "notify_policy.h"
#include "notify_template.h"

typedef struct notify_worker notify_worker_t;

/* Numbers and switches from the environment (main.c's table). */
typedef struct {
    int workers;      /* worker threads; 0 = none (events and schedules only) */
    int batch;        /* jobs reserved per queue per pass */
    int max_inflight; /* concurrent transfers per worker */
    int wecom_rate;   /* sends per window per robot; 0 = unpaced */
    int64_t wecom_window_ms;
    int max_attempts; /* then a delivery is dead */
    int64_t backoff_base_ms, backoff_max_ms;
    int64_t lease_ms; /* an attempt (and a reserved job) is ours this long */
    int64_t sweep_ms, schedule_ms, idle_ms;
    int in_doubt_resend; /* wecom/email after an unknown outcome: 1 resend, 0 assume sent */
} notify_cfg_t;

typedef struct {
    fc_service_t *svc;
    notify_cfg_t cfg;
    notify_policy_t policy;
    notify_templates_t *templates;
    notify_channels_t *channels;
    fc_jobq_t *q_reminders; /* on the service's Redis connection (main thread) */
    fc_jobq_t *q_deliveries;
    /* reminder jobs recorded by handlers this turn, dispatched after their commit */
    char (*dispatch)[FC_ID_LEN + 1];
    size_t n_dispatch, cap_dispatch;
    notify_worker_t **workers;
    int n_workers;
    int64_t next_sweep_ms, next_schedule_ms;
    fc_arena_t *arena; /* scratch of the tick */
} notify_app_t;

/* The app of a service (set at start). */
notify_app_t *notify_app(fc_service_t *svc);
/* Remembers a job to hand to Redis once the current transaction has committed. */
void notify_app_dispatch_later(notify_app_t *app, const char *job_id);

#endif

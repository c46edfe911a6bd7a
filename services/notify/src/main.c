/* fc-notify: reminders and messages over the group's channels. The service loop answers RPC
 * and consumes intake's and welfare's events; its tick hands committed jobs to Redis, sweeps
 * back what Redis lost and runs notify's own schedules; worker threads deliver. */
#include "fc_clock.h"
#include "fc_jobrec.h"
#include "fc_log.h"
#include "fc_service.h"
#include "notify_app.h"
#include "notify_events.h"
#include "notify_schedule.h"
#include "notify_server.h"
#include "notify_store.h"
#include "notify_worker.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

#define S_SWEEP_BATCH 500
#define S_DISPATCH_CHUNK 1000
#define S_DISPATCH_MAX 2000

static const fc_cfg_def_t s_config[] = {
    {"NOTIFY_WORKERS", FC_CFG_INT, "4", 0, 16, "delivery worker threads (0: none)"},
    {"NOTIFY_BATCH", FC_CFG_INT, "128", 1, 1000, "jobs a worker reserves per queue per pass"},
    {"NOTIFY_MAX_INFLIGHT", FC_CFG_INT, "64", 1, 256,
     "concurrent sends per worker (what a crash can leave in doubt)"},
    {"NOTIFY_TEMPLATES_DIR", FC_CFG_STR, FC_SOURCE_DIR "/infra/templates/notify", 0, 0,
     "directory of <lang>.json message templates"},
    {"NOTIFY_WECOM_RATE", FC_CFG_INT, "20", 0, 1000000,
     "messages per window per WeCom robot (0: no pacing)"},
    {"NOTIFY_WECOM_WINDOW_MS", FC_CFG_INT, "60000", 1, 86400000, "the pacing window"},
    {"NOTIFY_SMS_URL", FC_CFG_STR, "", 0, 0, "SMS provider send API (empty: no SMS)"},
    {"NOTIFY_SMS_QUERY_URL", FC_CFG_STR, "", 0, 0, "SMS provider receipt/query API"},
    {"NOTIFY_SMS_SIGN", FC_CFG_STR, "", 0, 0, "SMS sign name"},
    {"NOTIFY_SMS_TOKEN", FC_CFG_STR, "", 0, 0, "SMS provider bearer token"},
    {"NOTIFY_SMTP_URL", FC_CFG_STR, "", 0, 0, "smtp://host:port (empty: no e-mail)"},
    {"NOTIFY_SMTP_FROM", FC_CFG_STR, "", 0, 0, "sender address"},
    {"NOTIFY_SMTP_USER", FC_CFG_STR, "", 0, 0, "SMTP login"},
    {"NOTIFY_SMTP_PASSWORD", FC_CFG_STR, "", 0, 0, "SMTP password"},
    {"NOTIFY_FILE_SINK", FC_CFG_STR, "", 0, 0, "JSON-lines file for channel \"file\" (dev)"},
    {"NOTIFY_HTTP_TIMEOUT_MS", FC_CFG_INT, "5000", 100, 120000, "per send"},
    {"NOTIFY_MAX_ATTEMPTS", FC_CFG_INT, "6", 1, 100, "attempts before a delivery is dead"},
    {"NOTIFY_BACKOFF_BASE_MS", FC_CFG_INT, "2000", 1, 3600000, "first retry delay"},
    {"NOTIFY_BACKOFF_MAX_MS", FC_CFG_INT, "600000", 1, 86400000, "longest retry delay"},
    {"NOTIFY_LEASE_MS", FC_CFG_INT, "60000", 100, 3600000,
     "an attempt in flight is ours this long; after it, it is in doubt"},
    {"NOTIFY_SWEEP_MS", FC_CFG_INT, "2000", 10, 3600000, "re-enqueue what Redis lost, this often"},
    {"NOTIFY_SCHEDULE_MS", FC_CFG_INT, "1000", 10, 3600000, "run notify's schedules this often"},
    {"NOTIFY_IDLE_MS", FC_CFG_INT, "20", 1, 10000, "a worker with nothing to do sleeps this long"},
    {"NOTIFY_IN_DOUBT", FC_CFG_STR, "resend", 0, 0,
     "wecom/email cut off mid-send: resend (marked as a possible repeat) or assume_sent"},
};

/* Hands the jobs recorded this turn to Redis: only those whose transaction committed. At
 * most S_DISPATCH_MAX a turn, so a big batch of reminders does not hold up the RPC socket;
 * the rest wait for the next turn. */
static void s_dispatch(notify_app_t *app)
{
    fc_pg_t *pg = fc_service_pg(app->svc);
    size_t todo = app->n_dispatch < S_DISPATCH_MAX ? app->n_dispatch : S_DISPATCH_MAX;
    for (size_t off = 0; off < todo; off += S_DISPATCH_CHUNK) {
        size_t n = todo - off < S_DISPATCH_CHUNK ? todo - off : S_DISPATCH_CHUNK;
        const char *ids[S_DISPATCH_CHUNK];
        for (size_t i = 0; i < n; i++)
            ids[i] = app->dispatch[off + i];
        notify_job_row_t *rows = NULL;
        int k = 0;
        fc_err_t err;
        fc_arena_reset(app->arena);
        if (notify_store_jobs_pending(pg, ids, (int)n, app->arena, &rows, &k, &err) != FC_OK) {
            /* the sweeper will find them */
            fc_log_warn("notify.dispatch_failed", "error", FC_LS(err.message), NULL);
            continue;
        }
        for (int i = 0; i < k; i++) {
            fc_jobq_t *q = strcmp(rows[i].queue, NOTIFY_Q_REMINDERS) == 0 ? app->q_reminders
                                                                          : app->q_deliveries;
            if (fc_jobrec_dispatch(q, rows[i].job_id, rows[i].payload, rows[i].run_at_us, &err) !=
                FC_OK)
                fc_log_warn("notify.dispatch_failed", "job_id", FC_LS(rows[i].job_id), "error",
                            FC_LS(err.message), NULL);
        }
    }
    if (app->n_dispatch > todo)
        memmove(app->dispatch, app->dispatch + todo,
                (app->n_dispatch - todo) * sizeof *app->dispatch);
    app->n_dispatch -= todo;
    fc_arena_reset(app->arena);
}

static void s_sweep(notify_app_t *app, int64_t now)
{
    fc_pg_t *pg = fc_service_pg(app->svc);
    fc_err_t err;
    int n = 0;
    /* Only jobs due a lease ago or earlier: one due just now is normally in Redis or in a
     * worker's hands (a new delivery's first attempt is made by the worker that created it,
     * without Redis), and asking Redis about each of a large due backlog on every sweep would
     * cost more than the dispatch itself. */
    int64_t grace = app->cfg.lease_ms * 1000;
    if (fc_jobrec_sweep(pg, app->q_reminders, NOTIFY_Q_REMINDERS, now - grace, S_SWEEP_BATCH, &n,
                        &err) != FC_OK)
        fc_log_warn("notify.sweep_failed", "queue", FC_LS(NOTIFY_Q_REMINDERS), "error",
                    FC_LS(err.message), NULL);
    if (fc_jobrec_sweep(pg, app->q_deliveries, NOTIFY_Q_DELIVERIES, now - grace, S_SWEEP_BATCH, &n,
                        &err) != FC_OK)
        fc_log_warn("notify.sweep_failed", "queue", FC_LS(NOTIFY_Q_DELIVERIES), "error",
                    FC_LS(err.message), NULL);
}

static void on_tick(fc_service_t *svc)
{
    notify_app_t *app = notify_app(svc);
    if (!app)
        return;
    s_dispatch(app);
    int64_t mono = fc_clock_mono_ms();
    int64_t now = fc_clock_now_us();
    if (mono >= app->next_sweep_ms) {
        app->next_sweep_ms = mono + app->cfg.sweep_ms;
        s_sweep(app, now);
    }
    if (mono >= app->next_schedule_ms) {
        app->next_schedule_ms = mono + app->cfg.schedule_ms;
        int work = 0;
        fc_err_t err;
        fc_err_clear(&err);
        if (notify_schedule_run(app, now, &work, &err) != FC_OK)
            fc_log_warn("notify.schedule_failed", "error", FC_LS(err.message), NULL);
        s_dispatch(app);
    }
}

static void on_stop(fc_service_t *svc)
{
    notify_app_t *app = notify_app(svc);
    if (!app)
        return;
    /* workers finish the pass in hand; what they leave is on record in PostgreSQL */
    for (int i = 0; i < app->n_workers; i++)
        notify_worker_destroy(&app->workers[i]);
    free(app->workers);
    while (app->n_dispatch > 0)
        s_dispatch(app);
    fc_jobq_destroy(&app->q_reminders);
    fc_jobq_destroy(&app->q_deliveries);
    notify_channels_destroy(&app->channels);
    notify_templates_destroy(&app->templates);
    fc_arena_destroy(&app->arena);
    free(app->dispatch);
    free(app);
    fc_service_set_app(svc, NULL);
    curl_global_cleanup();
}

static int on_start(fc_service_t *svc, fc_err_t *err)
{
    const fc_config_t *c = fc_service_config(svc);
    notify_app_t *app = fc_xcalloc(1, sizeof *app);
    app->svc = svc;
    app->arena = fc_arena_new(64 * 1024);
    fc_service_set_app(svc, app);
    notify_cfg_t *k = &app->cfg;
    k->workers = (int)fc_config_int(c, "NOTIFY_WORKERS");
    k->batch = (int)fc_config_int(c, "NOTIFY_BATCH");
    k->max_inflight = (int)fc_config_int(c, "NOTIFY_MAX_INFLIGHT");
    k->wecom_rate = (int)fc_config_int(c, "NOTIFY_WECOM_RATE");
    k->wecom_window_ms = fc_config_int(c, "NOTIFY_WECOM_WINDOW_MS");
    k->max_attempts = (int)fc_config_int(c, "NOTIFY_MAX_ATTEMPTS");
    k->backoff_base_ms = fc_config_int(c, "NOTIFY_BACKOFF_BASE_MS");
    k->backoff_max_ms = fc_config_int(c, "NOTIFY_BACKOFF_MAX_MS");
    k->lease_ms = fc_config_int(c, "NOTIFY_LEASE_MS");
    k->sweep_ms = fc_config_int(c, "NOTIFY_SWEEP_MS");
    k->schedule_ms = fc_config_int(c, "NOTIFY_SCHEDULE_MS");
    k->idle_ms = fc_config_int(c, "NOTIFY_IDLE_MS");
    const char *doubt = fc_config_str(c, "NOTIFY_IN_DOUBT");
    if (strcmp(doubt, "resend") != 0 && strcmp(doubt, "assume_sent") != 0)
        return fc_err_set(err, FC_EINVAL, "NOTIFY_IN_DOUBT", "\"%s\" is not resend or assume_sent",
                          doubt);
    k->in_doubt_resend = strcmp(doubt, "resend") == 0;
    int rc = notify_policy_load(fc_config_str(c, "FC_POLICY_DIR"), &app->policy, err);
    if (rc != FC_OK)
        return rc;
    if (!(app->templates = notify_templates_load(fc_config_str(c, "NOTIFY_TEMPLATES_DIR"),
                                                 app->policy.default_lang, err)))
        return err->code;
    notify_channel_cfg_t cc = {
        fc_config_str(c, "NOTIFY_SMS_URL"),   fc_config_str(c, "NOTIFY_SMS_QUERY_URL"),
        fc_config_str(c, "NOTIFY_SMS_SIGN"),  fc_config_str(c, "NOTIFY_SMS_TOKEN"),
        fc_config_str(c, "NOTIFY_SMTP_URL"),  fc_config_str(c, "NOTIFY_SMTP_FROM"),
        fc_config_str(c, "NOTIFY_SMTP_USER"), fc_config_str(c, "NOTIFY_SMTP_PASSWORD"),
        fc_config_str(c, "NOTIFY_FILE_SINK"), fc_config_int(c, "NOTIFY_HTTP_TIMEOUT_MS")};
    app->channels = notify_channels_new(&cc);
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return fc_err_set(err, FC_ERR, "curl", "could not initialise libcurl");
    fc_jobq_opts_t qo = {k->lease_ms, 10, 1000, 60000, 0};
    app->q_reminders = fc_jobq_new(fc_service_redis(svc), NOTIFY_Q_REMINDERS, &qo);
    app->q_deliveries = fc_jobq_new(fc_service_redis(svc), NOTIFY_Q_DELIVERIES, &qo);
    char user[64];
    snprintf(user, sizeof user, "%s",
             *fc_config_str(c, "FC_PG_USER") ? fc_config_str(c, "FC_PG_USER") : "fc_notify");
    notify_worker_ctx_t wc = {k,
                              &app->policy,
                              app->templates,
                              app->channels,
                              fc_config_str(c, "FC_PG_URL"),
                              user,
                              fc_config_str(c, "FC_PG_PASSWORD"),
                              fc_config_str(c, "FC_REDIS_URL"),
                              (int)fc_config_int(c, "FC_CONNECT_WAIT_S")};
    app->workers = fc_xcalloc((size_t)k->workers + 1, sizeof *app->workers);
    for (int i = 0; i < k->workers; i++) {
        if (!(app->workers[i] = notify_worker_new(&wc, i, err)))
            return err->code ? err->code : FC_ERR;
        app->n_workers++;
        if ((rc = notify_worker_start(app->workers[i], err)) != FC_OK)
            return rc;
    }
    /* the high-volume events notify has no use for: every health check-in, and the steps of a
     * payment before it is paid */
    static const char *const intake_ignored[] = {"intake.health_checked_in", NULL};
    static const char *const welfare_ignored[] = {"welfare.disbursement_requested",
                                                  "welfare.disbursement_approved", NULL};
    if ((rc = fc_service_ignore_events(svc, "intake", intake_ignored)) != FC_OK ||
        (rc = fc_service_ignore_events(svc, "welfare", welfare_ignored)) != FC_OK)
        return fc_err_set(err, rc, "subscriptions", "notify lost a subscription");
    fc_log_info("notify.started", "workers", FC_LI(k->workers), "wecom_rate", FC_LI(k->wecom_rate),
                "sms", FC_LS(*cc.sms_url ? "on" : "off"), "email",
                FC_LS(*cc.smtp_url ? "on" : "off"), "file", FC_LS(*cc.file_path ? "on" : "off"),
                NULL);
    return FC_OK;
}

int main(int argc, char **argv)
{
    static const fc_subscription_t subs[] = {{"intake", notify_on_intake},
                                             {"welfare", notify_on_welfare},
                                             {"rotation", notify_on_rotation}};
    const fc_service_def_t def = {
        .name = "notify",
        .config = s_config,
        .nconfig = sizeof s_config / sizeof s_config[0],
        .routes = notify_routes,
        .nroutes = notify_nroutes,
        .subs = subs,
        .nsubs = sizeof subs / sizeof subs[0],
        .start = on_start,
        .tick = on_tick,
        .stop = on_stop,
    };
    return fc_service_main(&def, argc, argv);
}

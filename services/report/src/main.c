/* fc-report: the weekly aggregate for the group Party committee: projections of intake's,
 * rotation's, welfare's and notify's events, the weekly report on a cron schedule and on demand,
 * stored with versions, rendered as JSON, CSV, XLSX and HTML; late and missing weekly leadership
 * reports raised for notify's escalation. */
#include "fc_clock.h"
#include "fc_log.h"
#include "fc_mem.h"
#include "fc_service.h"
#include "report_app.h"
#include "report_events.h"
#include "report_schedule.h"
#include "report_server.h"

#include <stdlib.h>

static const fc_cfg_def_t s_config[] = {
    {"FC_REPORT_SCHEDULE", FC_CFG_STR, "0 8 * * 1", 0, 0,
     "cron expression (minute hour day month weekday, Asia/Shanghai) of the weekly run; it "
     "reports on the ISO week before"},
    {"FC_REPORT_SCHEDULE_ENABLED", FC_CFG_BOOL, "1", 0, 0, "run the weekly report on schedule"},
    {"FC_REPORT_SCHEDULE_LOOKBACK_DAYS", FC_CFG_INT, "7", 1, 31,
     "a run missed while no replica was up is still made this many days later"},
    {"FC_REPORT_SOURCE_TIMEOUT_MS", FC_CFG_INT, "2000", 50, 60000,
     "how long each source service has to answer before its sections are missing"},
    {"FC_REPORT_CATCHUP_S", FC_CFG_INT, "300", 0, 86400,
     "how long a scheduled run waits for sources to catch up before storing a partial report"},
    {"FC_REPORT_CLAIM_TTL_S", FC_CFG_INT, "600", 1, 86400,
     "how long one replica holds a period's claim (another may take over after)"},
    {"FC_REPORT_CHASE_INTERVAL_S", FC_CFG_INT, "60", 1, 3600,
     "how often to look for weekly reports missing at their due time"},
};

static int on_start(fc_service_t *svc, fc_err_t *err)
{
    const fc_config_t *c = fc_service_config(svc);
    report_app_t *app = fc_xcalloc(1, sizeof *app);
    int rc = report_cron_parse(fc_config_str(c, "FC_REPORT_SCHEDULE"), "FC_REPORT_SCHEDULE",
                               &app->cron, err);
    if (rc == FC_OK && !(app->policy = report_policy_load(fc_config_str(c, "FC_POLICY_DIR"), err)))
        rc = err->code ? err->code : FC_EINVAL;
    if (rc != FC_OK) {
        report_policy_destroy(&app->policy);
        free(app);
        return rc;
    }
    app->schedule_enabled = fc_config_bool(c, "FC_REPORT_SCHEDULE_ENABLED");
    app->schedule_lookback_days = (int)fc_config_int(c, "FC_REPORT_SCHEDULE_LOOKBACK_DAYS");
    app->source_timeout_ms = (int)fc_config_int(c, "FC_REPORT_SOURCE_TIMEOUT_MS");
    app->catchup_s = (int)fc_config_int(c, "FC_REPORT_CATCHUP_S");
    app->claim_ttl_ms = fc_config_int(c, "FC_REPORT_CLAIM_TTL_S") * 1000;
    app->chase_interval_s = (int)fc_config_int(c, "FC_REPORT_CHASE_INTERVAL_S");
    fc_service_set_app(svc, app);
    fc_log_info("report.started", "schedule", FC_LS(fc_config_str(c, "FC_REPORT_SCHEDULE")), NULL);
    return FC_OK;
}

static void on_tick(fc_service_t *svc)
{
    if (fc_service_app(svc))
        report_schedule_tick(svc);
}

static void on_stop(fc_service_t *svc)
{
    report_app_t *app = fc_service_app(svc);
    if (!app)
        return;
    report_policy_destroy(&app->policy);
    free(app);
    fc_service_set_app(svc, NULL);
}

int main(int argc, char **argv)
{
    static const fc_subscription_t subs[] = {{"intake", report_on_intake_event},
                                             {"rotation", report_on_rotation_event},
                                             {"welfare", report_on_welfare_event},
                                             {"notify", report_on_notify_event}};
    const fc_service_def_t def = {
        .name = "report",
        .config = s_config,
        .nconfig = sizeof s_config / sizeof s_config[0],
        .routes = report_routes,
        .nroutes = report_nroutes,
        .subs = subs,
        .nsubs = sizeof subs / sizeof subs[0],
        .start = on_start,
        .tick = on_tick,
        .stop = on_stop,
    };
    return fc_service_main(&def, argc, argv);
}

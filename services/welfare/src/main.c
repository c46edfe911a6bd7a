/* fc-welfare: special Party-fee funds, the ledger and payments. */
#include "welfare_server.h"

/* Health check-ins are most of intake's events and nothing welfare pays for. */
static int s_start(fc_service_t *svc, fc_err_t *err)
{
    static const char *const ignored[] = {"intake.health_checked_in", NULL};
    int rc = welfare_server_start(svc, err);
    return rc == FC_OK ? fc_service_ignore_events(svc, "intake", ignored) : rc;
}

int main(int argc, char **argv)
{
    static const fc_subscription_t subs[] = {{"intake", welfare_server_on_intake}};
    const fc_service_def_t def = {
        .name = "welfare",
        .config = welfare_config,
        .nconfig = welfare_nconfig,
        .routes = welfare_routes,
        .nroutes = welfare_nroutes,
        .subs = subs,
        .nsubs = 1,
        .start = s_start,
        .tick = welfare_server_tick,
        .stop = welfare_server_stop,
    };
    return fc_service_main(&def, argc, argv);
}

/* fc-welfare: special Party-fee funds, the ledger and payments. */
#include "welfare_server.h"

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
        .start = welfare_server_start,
        .tick = welfare_server_tick,
        .stop = welfare_server_stop,
    };
    return fc_service_main(&def, argc, argv);
}

/* fc-rotation: workload, forced rest, rosters, replacements and compensatory leave. Without
 * arguments it runs the service; `fc-rotation plan|check|explain|lp|gen` are the offline
 * tools over problem files (rotation_cli.c). */
#include "rotation_cli.h"
#include "rotation_events.h"
#include "rotation_server.h"
#include "fc_service.h"

int main(int argc, char **argv)
{
    if (rotation_cli_is_command(argc, argv))
        return rotation_cli_main(argc, argv);
    static const fc_subscription_t subs[] = {{"intake", rotation_on_intake_event}};
    const fc_service_def_t def = {
        .name = "rotation",
        .config = rotation_config,
        .nconfig = rotation_nconfig,
        .routes = rotation_routes,
        .nroutes = rotation_nroutes,
        .subs = subs,
        .nsubs = 1,
        .start = rotation_server_start,
        .stop = rotation_server_stop,
    };
    return fc_service_main(&def, argc, argv);
}

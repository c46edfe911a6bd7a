/* fc-rotation: workload, forced rest, rosters, replacements and compensatory leave. */
#include "rotation_events.h"
#include "fc_service.h"

int main(int argc, char **argv)
{
    static const fc_subscription_t subs[] = {{"intake", rotation_on_intake_event}};
    const fc_service_def_t def = {
        .name = "rotation",
        .subs = subs,
        .nsubs = 1,
    };
    return fc_service_main(&def, argc, argv);
}

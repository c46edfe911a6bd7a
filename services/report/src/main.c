/* fc-report: the weekly aggregate for the group Party committee. */
#include "report_events.h"
#include "fc_service.h"

int main(int argc, char **argv)
{
    static const fc_subscription_t subs[] = {{"intake", report_on_intake_event}};
    const fc_service_def_t def = {
        .name = "report",
        .subs = subs,
        .nsubs = 1,
    };
    return fc_service_main(&def, argc, argv);
}

/* fc-intake: the system of record for organisation, people, duty, health and incidents. */
#include "intake_server.h"
#include "fc_service.h"

int main(int argc, char **argv)
{
    const fc_service_def_t def = {
        .name = "intake",
        .routes = intake_routes,
        .nroutes = intake_nroutes,
    };
    return fc_service_main(&def, argc, argv);
}

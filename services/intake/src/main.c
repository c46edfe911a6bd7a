/* fc-intake: the system of record for organisation, people, duty, health and incidents. */
#include "intake_records.h"
#include "intake_server.h"
#include "fc_service.h"

#include <string.h>

int main(int argc, char **argv)
{
    /* the core routes, then the 000 §9 records and village assignments (intake_records.c) */
    fc_route_t routes[intake_nroutes + intake_records_nroutes];
    memcpy(routes, intake_routes, intake_nroutes * sizeof routes[0]);
    memcpy(routes + intake_nroutes, intake_records_routes,
           intake_records_nroutes * sizeof routes[0]);
    const fc_service_def_t def = {
        .name = "intake",
        .routes = routes,
        .nroutes = intake_nroutes + intake_records_nroutes,
    };
    return fc_service_main(&def, argc, argv);
}

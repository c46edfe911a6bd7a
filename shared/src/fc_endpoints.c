/* fc_endpoints: the one table of service endpoints. */
#include "fc_endpoints.h"

#include <stdlib.h>
#include <string.h>

const fc_endpoint_t fc_endpoints[] = {
    {"intake", "FC_INTAKE_ENDPOINT", "tcp://127.0.0.1:5551"},
    {"rotation", "FC_ROTATION_ENDPOINT", "tcp://127.0.0.1:5552"},
    {"welfare", "FC_WELFARE_ENDPOINT", "tcp://127.0.0.1:5553"},
    {"notify", "FC_NOTIFY_ENDPOINT", "tcp://127.0.0.1:5554"},
    {"report", "FC_REPORT_ENDPOINT", "tcp://127.0.0.1:5555"},
    {"gateway", "FC_GATEWAY_ENDPOINT", "tcp://127.0.0.1:5556"},
};
const int fc_nendpoints = sizeof fc_endpoints / sizeof fc_endpoints[0];

const char *fc_endpoint_of(const char *service)
{
    for (int i = 0; i < fc_nendpoints; i++) {
        if (strcmp(fc_endpoints[i].service, service) == 0) {
            const char *v = getenv(fc_endpoints[i].env);
            return v && *v ? v : fc_endpoints[i].def;
        }
    }
    return NULL;
}

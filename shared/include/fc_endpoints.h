/* fc_endpoints: where each service listens by default on one machine, and the variable that
 * overrides it. One table, used by the services, fcctl, the gateway and the tests. */
#ifndef FC_ENDPOINTS_H
#define FC_ENDPOINTS_H

typedef struct {
    const char *service;  /* "intake" */
    const char *env;      /* "FC_INTAKE_ENDPOINT" */
    const char *def;      /* "tcp://127.0.0.1:5551" */
} fc_endpoint_t;

extern const fc_endpoint_t fc_endpoints[];
extern const int fc_nendpoints;

/* The endpoint of a service: its variable if set, else the default; NULL if unknown. */
const char *fc_endpoint_of(const char *service);

#endif

/* fc-gateway: the HTTP/JSON front door to every service, and an fc_service of its own for
 * tokens and the audit log. `--openapi` prints the API document; `--keygen` prints a new CURVE
 * key pair (for infra/scripts/keys.sh). */
#include "gateway_http.h"
#include "gateway_openapi.h"
#include "gateway_server.h"
#include "fc_service.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

static const fc_cfg_def_t s_config[] = {
    {"FC_HTTP_BIND", FC_CFG_STR, "127.0.0.1", 0, 0, "HTTP listen address"},
    {"FC_WEB_DIR", FC_CFG_STR, FC_SOURCE_DIR "/web/dist", 0, 0,
     "the web console's files (infra/scripts/web.sh builds them); empty = no console"},
    {"FC_HTTP_PORT", FC_CFG_INT, "28080", 1, 65535, "HTTP listen port"},
    {"FC_HTTP_THREADS", FC_CFG_INT, "2", 1, 64, "HTTP threads (reading and writing only)"},
    {"FC_GATEWAY_WORKERS", FC_CFG_INT, "8", 1, 256,
     "upstream workers, each with its own service clients and database connection: requests "
     "in flight at most"},
    {"FC_HTTP_QUEUE_MAX", FC_CFG_INT, "1000", 1, 1000000,
     "requests waiting for a worker at most (503 beyond)"},
    {"FC_HTTP_MAX_BODY", FC_CFG_INT, "8388608", 1024, 67108864,
     "largest request body in bytes (413 above)"},
    {"FC_HTTP_IDLE_TIMEOUT_S", FC_CFG_INT, "15", 1, 3600,
     "close a connection silent this long (slow clients)"},
    {"FC_HTTP_MAX_CONNECTIONS", FC_CFG_INT, "1000", 1, 100000, "open HTTP connections at most"},
    {"FC_RATE_PER_S", FC_CFG_INT, "50", 0, 1000000,
     "requests a second per token on average; 0 = no limit (429 above)"},
    {"FC_RATE_BURST", FC_CFG_INT, "100", 1, 1000000, "requests a token may make at once"},
    {"FC_UPSTREAM_TIMEOUT_MS", FC_CFG_INT, "5000", 50, 600000,
     "wait this long for a service's answer (504 after)"},
    {"FC_UPSTREAM_RETRIES", FC_CFG_INT, "1", 0, 10,
     "resend a request that got no answer this many times (same message id)"},
    {"FC_UPSTREAM_CONNECT_MS", FC_CFG_INT, "500", 10, 60000,
     "no connection to a service within this long: 503"},
};

static gateway_http_t *s_http;

static int on_start(fc_service_t *svc, fc_err_t *err)
{
    const fc_config_t *c = fc_service_config(svc);
    const char *user = fc_config_str(c, "FC_PG_USER");
    fc_pg_opts_t pg = {fc_config_str(c, "FC_PG_URL"),
                       *user ? user : "fc_gateway",
                       fc_config_str(c, "FC_PG_PASSWORD"),
                       "gateway",
                       "gateway-http",
                       0};
    int retries = (int)fc_config_int(c, "FC_UPSTREAM_RETRIES");
    gateway_http_opts_t o = {
        .bind = fc_config_str(c, "FC_HTTP_BIND"),
        .web_dir = fc_config_str(c, "FC_WEB_DIR"),
        .port = (int)fc_config_int(c, "FC_HTTP_PORT"),
        .threads = (int)fc_config_int(c, "FC_HTTP_THREADS"),
        .workers = (int)fc_config_int(c, "FC_GATEWAY_WORKERS"),
        .queue_max = (int)fc_config_int(c, "FC_HTTP_QUEUE_MAX"),
        .max_body = (size_t)fc_config_int(c, "FC_HTTP_MAX_BODY"),
        .idle_timeout_s = (int)fc_config_int(c, "FC_HTTP_IDLE_TIMEOUT_S"),
        .max_connections = (int)fc_config_int(c, "FC_HTTP_MAX_CONNECTIONS"),
        .rate_per_s = (int)fc_config_int(c, "FC_RATE_PER_S"),
        .rate_burst = (int)fc_config_int(c, "FC_RATE_BURST"),
        /* the whole budget is split over the attempts */
        .upstream = {(int)fc_config_int(c, "FC_UPSTREAM_TIMEOUT_MS") / (retries + 1), retries,
                     (int)fc_config_int(c, "FC_UPSTREAM_CONNECT_MS")},
        .pg = &pg,
        .zmq = fc_service_zmq(svc),
    };
    s_http = gateway_http_new(&o, err);
    return s_http ? FC_OK : err->code;
}

/* of intake's events the gateway needs only the units' names: the rest costs no transaction */
static int s_start(fc_service_t *svc, fc_err_t *err)
{
    static const char *const ignored[] = {"intake.health_checked_in", "intake.duty_checked_in",
                                          "intake.duty_checked_out", "intake.person_upserted",
                                          NULL};
    int rc = on_start(svc, err);
    if (rc == FC_OK && (rc = fc_service_ignore_events(svc, "intake", ignored)) != FC_OK)
        return fc_err_set(err, rc, "subscriptions", "gateway lost its intake subscription");
    return rc;
}

static void on_stop(fc_service_t *svc)
{
    (void)svc;
    gateway_http_destroy(&s_http);
}

static int s_keygen(void)
{
    char pub[41], sec[41];
    if (zmq_curve_keypair(pub, sec) != 0) {
        fprintf(stderr, "fc-gateway: could not make a CURVE key pair: %s\n",
                zmq_strerror(zmq_errno()));
        return 1;
    }
    printf("%s %s\n", pub, sec);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--openapi") == 0) {
        char *doc = gateway_openapi_text();
        fputs(doc, stdout);
        free(doc);
        return 0;
    }
    if (argc == 2 && strcmp(argv[1], "--keygen") == 0)
        return s_keygen();
    static const fc_subscription_t subs[] = {{"intake", gateway_server_on_intake}};
    const fc_service_def_t def = {
        .name = "gateway",
        .config = s_config,
        .nconfig = sizeof s_config / sizeof s_config[0],
        .routes = gateway_server_routes,
        .nroutes = gateway_server_nroutes,
        .subs = subs,
        .nsubs = 1,
        .start = s_start,
        .stop = on_stop,
    };
    return fc_service_main(&def, argc, argv);
}

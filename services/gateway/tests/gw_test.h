/* gw_test: helpers of the gateway's integration tests: HTTP requests to a running fc-gateway
 * (libcurl), raw sockets for slow clients, fcctl with the gateway's commands, and tokens. */
#ifndef GW_TEST_H
#define GW_TEST_H

#include <jansson.h>

typedef struct {
    long status;
    json_t *json;         /* the body parsed, or NULL */
    char *body;           /* the body as received */
    char retry_after[16]; /* Retry-After header, "" if none */
    char request_id[72];  /* X-Request-Id header */
    char content_type[96];
} gw_resp_t;

/* Base URL of the gateway on FC_HTTP_PORT (or port if > 0): "http://127.0.0.1:58187". */
const char *gw_url(int port);
/* method "GET"/"POST"/...; path with query; token NULL = no Authorization; body NULL = none;
 * header: one extra "Name: value" or NULL. port 0 = FC_HTTP_PORT. */
void gw_http(gw_resp_t *r, int port, const char *method, const char *path, const char *token,
             const char *body, const char *header);
void gw_resp_fini(gw_resp_t *r);
/* The error code / field of an error reply ("" if none). */
const char *gw_err_code(const gw_resp_t *r);
const char *gw_err_field(const gw_resp_t *r);

/* Runs the fcctl that has the gateway's commands (fcctl or fcctl-gw) with env_prefix (shell
 * assignments, may be "") before it; exit code, stdout in *out if out (caller frees), stderr
 * in *err_out if err_out. */
int gw_fcctl(char **out, char **err_out, const char *env_prefix, const char *args_fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Creates a token with fcctl over ZeroMQ; returns its secret (caller frees) and id. */
char *gw_token(const char *role, const char *org, char id_out[32]);

/* Connects a TCP socket to 127.0.0.1:port; -1 on failure. */
int gw_connect(int port);
/* Waits until the gateway on port answers /healthz (any status); 0 or -1. */
int gw_wait_http(int port, int timeout_ms);

#endif

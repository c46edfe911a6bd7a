/* gateway_http: routes HTTP requests. For now /healthz (every service's health); the
 * /api/v1 resources arrive with the gateway issue. Errors are JSON bodies
 * {"error": {"code", "message", "field"}}. */
#include "gateway_http.h"
#include "fc_health.h"
#include "fc_log.h"
#include "fc_mem.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <string.h>

struct gateway_http {
    struct MHD_Daemon *daemon;
    void *zmq;
};

static enum MHD_Result s_send_json(struct MHD_Connection *conn, unsigned status, json_t *body)
{
    char *text = json_dumps(body, JSON_COMPACT | JSON_ENSURE_ASCII);
    json_decref(body);
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header(resp, "Content-Type", "application/json; charset=utf-8");
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    enum MHD_Result r = MHD_queue_response(conn, status, resp);
    MHD_destroy_response(resp);
    return r;
}

static enum MHD_Result s_error(struct MHD_Connection *conn, unsigned status, const char *code,
                               const char *message, const char *field)
{
    return s_send_json(conn, status,
                       json_pack("{s:{s:s, s:s, s:s}}", "error", "code", code, "message", message,
                                 "field", field ? field : ""));
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_size, void **req_cls)
{
    (void)version;
    (void)upload_data;
    gateway_http_t *self = cls;
    if (*req_cls == NULL) {
        *req_cls = self; /* first call: headers only */
        return MHD_YES;
    }
    if (*upload_size) {
        *upload_size = 0; /* bodies are not used by any route yet */
        return MHD_YES;
    }
    if (strcmp(url, "/healthz") == 0) {
        if (strcmp(method, "GET") != 0)
            return s_error(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "EINVAL", "only GET", "method");
        int ok = 0;
        json_t *all = fc_health_all(self->zmq, NULL, 1000, &ok);
        return s_send_json(conn, ok ? MHD_HTTP_OK : MHD_HTTP_SERVICE_UNAVAILABLE,
                           json_pack("{s:b, s:o}", "ok", ok, "services", all));
    }
    return s_error(conn, MHD_HTTP_NOT_FOUND, "ENOTFOUND", "no such route", "path");
}

gateway_http_t *gateway_http_new(const char *bind, int port, void *zmq_ctx, fc_err_t *err)
{
    gateway_http_t *self = fc_xcalloc(1, sizeof *self);
    self->zmq = zmq_ctx;
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, bind, &addr.sin_addr) != 1) {
        fc_err_set(err, FC_EINVAL, "FC_HTTP_BIND", "\"%s\" is not an IPv4 address", bind);
        free(self);
        return NULL;
    }
    self->daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG,
                                    (uint16_t)port, NULL, NULL, on_request, self,
                                    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
                                    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
                                    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(256 * 1024),
                                    MHD_OPTION_END);
    if (!self->daemon) {
        fc_err_set(err, FC_EUNAVAIL, "FC_HTTP_PORT", "could not listen for HTTP on %s:%d", bind,
                   port);
        free(self);
        return NULL;
    }
    fc_log_info("http.listening", "bind", FC_LS(bind), "port", FC_LI(port), NULL);
    return self;
}

void gateway_http_destroy(gateway_http_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    MHD_stop_daemon((*self_p)->daemon);
    free(*self_p);
    *self_p = NULL;
}

/* fc-gateway: the HTTP/JSON front door to every service. */
#include "gateway_http.h"
#include "fc_service.h"

static const fc_cfg_def_t s_config[] = {
    {"FC_HTTP_BIND", FC_CFG_STR, "127.0.0.1", 0, 0, "HTTP listen address"},
    {"FC_HTTP_PORT", FC_CFG_INT, "58080", 1, 65535, "HTTP listen port"},
};

static gateway_http_t *s_http;

static int on_start(fc_service_t *svc, fc_err_t *err)
{
    const fc_config_t *c = fc_service_config(svc);
    s_http = gateway_http_new(fc_config_str(c, "FC_HTTP_BIND"), (int)fc_config_int(c, "FC_HTTP_PORT"),
                              fc_service_zmq(svc), err);
    return s_http ? FC_OK : err->code;
}

static void on_stop(fc_service_t *svc)
{
    (void)svc;
    gateway_http_destroy(&s_http);
}

int main(int argc, char **argv)
{
    const fc_service_def_t def = {
        .name = "gateway",
        .config = s_config,
        .nconfig = sizeof s_config / sizeof s_config[0],
        .start = on_start,
        .stop = on_stop,
    };
    return fc_service_main(&def, argc, argv);
}

/* gateway_http: the HTTP/1.1 server (libmicrohttpd) in front of the services. */
#ifndef GATEWAY_HTTP_H
#define GATEWAY_HTTP_H

#include "fc_err.h"

typedef struct gateway_http gateway_http_t;

/* Listens on bind:port; zmq_ctx is borrowed for the service clients. */
gateway_http_t *gateway_http_new(const char *bind, int port, void *zmq_ctx, fc_err_t *err);
void gateway_http_destroy(gateway_http_t **self_p);

#endif

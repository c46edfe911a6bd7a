/* fc_zap: the ZeroMQ authentication handler (ZAP, RFC 27) of a service. Without one, a CURVE
 * server encrypts but lets any client in; this one admits only the client public keys listed in
 * a file, and refuses everything else. It runs in a small thread of its own bound to
 * inproc://zeromq.zap.01 in the service's context, so handshakes never wait for a request
 * being handled. */
#ifndef FC_ZAP_H
#define FC_ZAP_H

#include "fc_err.h"

typedef struct fc_zap fc_zap_t;

/* Reads allowed_file and starts answering ZAP requests in zmq_ctx. The file holds one client
 * public key (Z85, 40 characters) per line, optionally followed by a name ("fcctl", "gateway")
 * used as the ZAP user id and in the logs; blank lines and lines starting with "# " are
 * ignored (a Z85 key may itself start with '#').
 * A malformed line is an error naming the file and the line. The file is read again when it
 * changes (a bad edit keeps the previous list and is logged), so keys can be added or withdrawn
 * without a restart. Must be called before the first CURVE server socket binds. */
fc_zap_t *fc_zap_new(void *zmq_ctx, const char *allowed_file, fc_err_t *err);
/* Stops the thread and closes its socket; before zmq_ctx_term. */
void fc_zap_destroy(fc_zap_t **self_p);
/* Handshakes admitted and refused so far. */
long long fc_zap_admitted(const fc_zap_t *self);
long long fc_zap_refused(const fc_zap_t *self);

#endif

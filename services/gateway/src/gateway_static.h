/* gateway_static: the web console's static files (FC_WEB_DIR), served by the gateway beside
 * its API: MIME types, ETag revalidation, a strict Content-Security-Policy and the other
 * security headers, no path outside the root, index.html for "/" and for unknown page paths. */
#ifndef GATEWAY_STATIC_H
#define GATEWAY_STATIC_H

#include <microhttpd.h>

/* Answers a GET or HEAD of a console path from the files under root_dir (thread-safe, no
 * state). Returns MHD_YES when it queued an answer (200, 304 or 404), MHD_NO when the request
 * is not the console's — /api/..., /healthz, /metrics, /openapi.json, a method other than GET
 * or HEAD, or root_dir NULL or "" — so the caller goes on with its own routes. */
int gateway_static_serve(struct MHD_Connection *conn, const char *url, const char *method,
                         const char *root_dir);

/* The Content-Security-Policy every console answer carries (for tests and documentation). */
extern const char gateway_static_csp[];

#endif

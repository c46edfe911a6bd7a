/* gateway_openapi: the OpenAPI 3 document of the HTTP API, generated from the route table and
 * the protobuf descriptors (never written by hand). `fc-gateway --openapi` prints it; the
 * committed docs/openapi.json is this output, checked by test_gateway_openapi. */
#ifndef GATEWAY_OPENAPI_H
#define GATEWAY_OPENAPI_H

#include <jansson.h>

/* The document; the caller json_decref's it. */
json_t *gateway_openapi_build(void);
/* The document as text, keys in a stable order, ending in a newline; the caller frees it. */
char *gateway_openapi_text(void);

#endif

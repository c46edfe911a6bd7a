/* gateway_query: GET query parameters to a request message's JSON, by its descriptor. */
#ifndef GATEWAY_QUERY_H
#define GATEWAY_QUERY_H

#include <jansson.h>
#include <stddef.h>
#include <protobuf-c/protobuf-c.h>
#include "fc_err.h"

/* Builds the JSON object of a desc message from n parameters: each key names a field; its
 * text becomes the field's type (integers in decimal, booleans true/false/1/0, enum value
 * names, strings as they are, bytes as base64); a repeated scalar field takes the parameter
 * once per element. Sub-messages cannot be given this way (use POST). Unknown fields, a
 * repeated parameter for a single field and text that is not of the type are FC_EINVAL naming
 * the field. The caller json_decref's the result. */
json_t *gateway_query_to_json(const ProtobufCMessageDescriptor *desc, size_t n,
                              const char *const *keys, const char *const *values, fc_err_t *err);

#endif

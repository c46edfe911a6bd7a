/* fc_pbjson: protobuf messages to JSON and back, generically from protobuf-c's descriptors
 * (no converter per message). Field names are the .proto names; 64-bit integers are JSON
 * numbers; enums are their .proto value names; bytes are base64. */
#ifndef FC_PBJSON_H
#define FC_PBJSON_H

#include <jansson.h>
#include <protobuf-c/protobuf-c.h>
#include "fc_err.h"

/* A new JSON object for msg (caller json_decref's it). Fields at their default are included. */
json_t *fc_pbjson_from_message(const ProtobufCMessage *msg);

/* Builds a message of desc from a JSON object. Unknown fields and wrong types are FC_EINVAL
 * naming the field path ("checkins[2].temperature_dc"). The caller frees the result with
 * protobuf_c_message_free_unpacked(m, NULL). */
ProtobufCMessage *fc_pbjson_to_message(const ProtobufCMessageDescriptor *desc, const json_t *json,
                                       fc_err_t *err);

#endif

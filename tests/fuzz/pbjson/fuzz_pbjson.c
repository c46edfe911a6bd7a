/* libFuzzer target: arbitrary bytes as a JSON request body mapped to protobuf by descriptor
 * (what the gateway does with every body), packed, decoded again and mapped back to JSON. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "fc/v1/intake.pb-c.h"
#include "fc_pb.h"
#include "fc_pbjson.h"

static const ProtobufCMessageDescriptor *const s_targets[] = {
    &fc__v1__health_checkin_request__descriptor,
    &fc__v1__person_upsert_request__descriptor,
    &fc__v1__org_upsert_request__descriptor,
    &fc__v1__post_upserted__descriptor,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_error_t jerr;
    json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &jerr);
    if (!j)
        return 0;
    for (size_t i = 0; i < sizeof s_targets / sizeof s_targets[0]; i++) {
        fc_err_t err;
        ProtobufCMessage *m = fc_pbjson_to_message(s_targets[i], j, &err);
        if (!m)
            continue;
        size_t len;
        uint8_t *buf = fc_pb_pack(m, &len);
        ProtobufCMessage *back =
            fc_pb_unpack(s_targets[i], buf, len, FC_PB_MAX_MESSAGE, NULL, "payload", &err);
        if (back) {
            json_t *out = fc_pbjson_from_message(back);
            json_decref(out);
            protobuf_c_message_free_unpacked(back, NULL);
        }
        free(buf);
        protobuf_c_message_free_unpacked(m, NULL);
    }
    json_decref(j);
    return 0;
}

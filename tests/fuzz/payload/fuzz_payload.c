/* libFuzzer target: a request payload as a service receives it. The first two bytes pick a
 * message type (every message of every service: requests, replies, events; table generated
 * from the protobuf-c headers), the rest is the payload, decoded as fc_service's dispatch
 * decodes it (size cap, unpack into the call's arena, UTF-8 walk over every string). A payload
 * that decodes is then checked with fc_pb_require over all its fields, mapped to JSON as the
 * gateway maps replies, and packed again: the packed form must decode and pack to the same
 * bytes. Must never crash, leak, hang or hit undefined behaviour. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fc_pb.h"
#include "fc_pbjson.h"
#include "payload_types.h"

#define S_NTYPES (sizeof s_types / sizeof s_types[0])

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const ProtobufCMessageDescriptor *desc = s_types[(((size_t)data[0] << 8) | data[1]) % S_NTYPES];
    data += 2;
    size -= 2;
    fc_err_t err;
    fc_err_clear(&err);
    fc_arena_t *arena = fc_arena_new(4096);
    ProtobufCAllocator alloc;
    fc_pb_arena_allocator(&alloc, arena);
    uint8_t *packed = NULL, *repacked = NULL;
    ProtobufCMessage *m =
        fc_pb_unpack(desc, data, size, FC_PB_MAX_MESSAGE, &alloc, "payload", &err);
    if (!m)
        goto out;
    /* every field required in turn: what handlers ask of their requests */
    for (unsigned i = 0; i < desc->n_fields; i++) {
        fc_err_clear(&err);
        fc_pb_require(m, desc->fields[i].name, &err);
    }
    json_t *j = fc_pbjson_from_message(m);
    json_decref(j);
    size_t len = 0, len2 = 0;
    packed = fc_pb_pack(m, &len);
    fc_err_clear(&err);
    ProtobufCMessage *back =
        fc_pb_unpack(desc, packed, len, 2 * FC_PB_MAX_MESSAGE, &alloc, "payload", &err);
    if (!back)
        __builtin_trap(); /* what we packed must decode */
    repacked = fc_pb_pack(back, &len2);
    if (len2 != len || memcmp(packed, repacked, len) != 0)
        __builtin_trap(); /* and pack to the same bytes */
out:
    free(packed);
    free(repacked);
    fc_arena_destroy(&arena);
    return 0;
}

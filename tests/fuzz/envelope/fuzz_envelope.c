/* libFuzzer target: arbitrary bytes as a request envelope, then its payload as each request
 * type the foundation serves — the path every service runs on untrusted input (size cap,
 * decode, UTF-8 walk over every string, required fields). Must never crash or leak. */
#include <stddef.h>
#include <stdint.h>

#include "fc/v1/envelope.pb-c.h"
#include "fc/v1/intake.pb-c.h"
#include "fc_pb.h"

static const ProtobufCMessageDescriptor *const s_payloads[] = {
    &fc__v1__health_checkin_request__descriptor,
    &fc__v1__person_upsert_request__descriptor,
    &fc__v1__org_upsert_request__descriptor,
    &fc__v1__person_get_request__descriptor,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fc_err_t err;
    fc_arena_t *arena = fc_arena_new(4096);
    ProtobufCAllocator alloc;
    fc_pb_arena_allocator(&alloc, arena);
    Fc__V1__Envelope *env = (Fc__V1__Envelope *)fc_pb_unpack(
        &fc__v1__envelope__descriptor, data, size, FC_PB_MAX_MESSAGE, &alloc, "envelope", &err);
    const uint8_t *payload = env ? env->payload.data : data;
    size_t plen = env ? env->payload.len : size;
    for (size_t i = 0; i < sizeof s_payloads / sizeof s_payloads[0]; i++) {
        ProtobufCMessage *m =
            fc_pb_unpack(s_payloads[i], payload, plen, FC_PB_MAX_MESSAGE, &alloc, "payload", &err);
        if (m)
            fc_pb_require(m, "employee_no", &err); /* may name a field the message lacks */
    }
    fc_arena_destroy(&arena);
    return 0;
}

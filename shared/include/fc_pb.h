/* fc_pb: protobuf-c helpers: size-capped unpack into an arena, packing, and generic
 * checks over a message's descriptor (valid UTF-8 in every string, required fields). */
#ifndef FC_PB_H
#define FC_PB_H

#include <stddef.h>
#include <stdint.h>
#include <protobuf-c/protobuf-c.h>
#include "fc_err.h"
#include "fc_mem.h"

#define FC_PB_MAX_MESSAGE (1024 * 1024) /* 1 MiB: larger requests are refused */

/* True if s[0..n) is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF). */
int fc_utf8_valid(const char *s, size_t n);

/* A protobuf-c allocator drawing on arena (free is a no-op); the struct is the caller's. */
void fc_pb_arena_allocator(ProtobufCAllocator *out, fc_arena_t *arena);

/* Unpacks data as desc. Over max bytes: FC_ETOOBIG; undecodable: FC_EINVAL naming field;
 * a string that is not UTF-8: FC_EINVAL naming its path. alloc NULL = malloc (then the caller
 * frees with protobuf_c_message_free_unpacked). */
ProtobufCMessage *fc_pb_unpack(const ProtobufCMessageDescriptor *desc, const uint8_t *data,
                               size_t len, size_t max, ProtobufCAllocator *alloc,
                               const char *field, fc_err_t *err);
/* Packs into a new buffer (caller frees); *len_out its size. */
uint8_t *fc_pb_pack(const ProtobufCMessage *msg, size_t *len_out);
/* Every string field, recursively: FC_EINVAL with "a.b[2].c" if one is not UTF-8. */
int fc_pb_check_utf8(const ProtobufCMessage *msg, fc_err_t *err);
/* fields: comma-separated names that must be present and non-empty (strings, bytes,
 * sub-messages, repeated) or non-zero (numbers, enums). FC_EINVAL naming the first missing. */
int fc_pb_require(const ProtobufCMessage *msg, const char *fields, fc_err_t *err);

#endif

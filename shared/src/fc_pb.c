/* fc_pb: generic protobuf-c helpers driven by message descriptors. */
#include "fc_pb.h"

#include <stdio.h>
#include <string.h>

int fc_utf8_valid(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t len;
        unsigned cp;
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            cp = c & 0x07;
        } else {
            return 0;
        }
        if (i + len > n)
            return 0;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += len;
    }
    return 1;
}

static void *s_arena_alloc(void *data, size_t size)
{
    return fc_arena_alloc(data, size);
}

static void s_arena_free(void *data, void *p)
{
    (void)data;
    (void)p;
}

void fc_pb_arena_allocator(ProtobufCAllocator *out, fc_arena_t *arena)
{
    out->alloc = s_arena_alloc;
    out->free = s_arena_free;
    out->allocator_data = arena;
}

ProtobufCMessage *fc_pb_unpack(const ProtobufCMessageDescriptor *desc, const uint8_t *data,
                               size_t len, size_t max, ProtobufCAllocator *alloc,
                               const char *field, fc_err_t *err)
{
    if (len > max) {
        fc_err_set(err, FC_ETOOBIG, field, "message of %zu bytes is over the limit of %zu", len,
                   max);
        return NULL;
    }
    ProtobufCMessage *m = protobuf_c_message_unpack(desc, alloc, len, data);
    if (!m) {
        fc_err_set(err, FC_EINVAL, field, "could not decode %zu bytes as %s", len, desc->name);
        return NULL;
    }
    if (fc_pb_check_utf8(m, err) != FC_OK) {
        fc_err_prefix_field(err, field);
        protobuf_c_message_free_unpacked(m, alloc);
        return NULL;
    }
    return m;
}

uint8_t *fc_pb_pack(const ProtobufCMessage *msg, size_t *len_out)
{
    size_t n = protobuf_c_message_get_packed_size(msg);
    uint8_t *buf = fc_xmalloc(n ? n : 1);
    *len_out = protobuf_c_message_pack(msg, buf);
    return buf;
}

/* Address of a field's value (or of the repeated array pointer) inside msg. */
static const void *s_member(const ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f)
{
    return (const char *)msg + f->offset;
}

static size_t s_count(const ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f)
{
    return *(const size_t *)((const char *)msg + f->quantifier_offset);
}

/* A member of a oneof shares memory with its siblings: read it only when it is the one set. */
static int s_oneof_set(const ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f)
{
    if (!(f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF))
        return 1;
    return *(const uint32_t *)((const char *)msg + f->quantifier_offset) == f->id;
}

static int s_check_utf8_path(const ProtobufCMessage *msg, char *path, size_t cap, size_t plen,
                             fc_err_t *err)
{
    const ProtobufCMessageDescriptor *d = msg->descriptor;
    /* protobuf-c reads field number 0 (or one past 2^29-1) from an overlong tag, keeps it as an
     * unknown field and then packs a tag it cannot read back (found by tests/fuzz/payload) */
    for (unsigned u = 0; u < msg->n_unknown_fields; u++)
        if (msg->unknown_fields[u].tag == 0 || msg->unknown_fields[u].tag > 0x1FFFFFFFu)
            return fc_err_set(err, FC_EINVAL, path, "invalid field number %u",
                              (unsigned)msg->unknown_fields[u].tag);
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        if (f->type != PROTOBUF_C_TYPE_STRING && f->type != PROTOBUF_C_TYPE_MESSAGE)
            continue;
        if (!s_oneof_set(msg, f))
            continue;
        size_t n = 1;
        const void *base = s_member(msg, f);
        int repeated = f->label == PROTOBUF_C_LABEL_REPEATED;
        if (repeated) {
            n = s_count(msg, f);
            base = *(void *const *)base;
        }
        for (size_t k = 0; k < n; k++) {
            const void *item = repeated ? ((void *const *)base)[k] : *(void *const *)base;
            if (!item)
                continue;
            int w = repeated ? snprintf(path + plen, cap - plen, "%s%s[%zu]", plen ? "." : "",
                                        f->name, k)
                             : snprintf(path + plen, cap - plen, "%s%s", plen ? "." : "",
                                        f->name);
            size_t nl = plen + (w > 0 ? (size_t)w : 0);
            if (nl >= cap)
                nl = cap - 1;
            if (f->type == PROTOBUF_C_TYPE_STRING) {
                const char *s = item;
                if (!fc_utf8_valid(s, strlen(s)))
                    return fc_err_set(err, FC_EINVAL, path, "text is not valid UTF-8");
            } else if (s_check_utf8_path(item, path, cap, nl, err) != FC_OK) {
                return FC_EINVAL;
            }
            path[plen] = '\0';
        }
    }
    return FC_OK;
}

int fc_pb_check_utf8(const ProtobufCMessage *msg, fc_err_t *err)
{
    char path[FC_ERR_FIELD_MAX] = "";
    return s_check_utf8_path(msg, path, sizeof path, 0, err);
}

static int s_present(const ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f)
{
    const void *p = s_member(msg, f);
    if (!s_oneof_set(msg, f))
        return 0;
    if (f->label == PROTOBUF_C_LABEL_REPEATED)
        return s_count(msg, f) > 0;
    switch (f->type) {
    case PROTOBUF_C_TYPE_STRING: {
        const char *s = *(const char *const *)p;
        return s && *s;
    }
    case PROTOBUF_C_TYPE_MESSAGE: return *(const void *const *)p != NULL;
    case PROTOBUF_C_TYPE_BYTES: return ((const ProtobufCBinaryData *)p)->len > 0;
    case PROTOBUF_C_TYPE_BOOL: return *(const protobuf_c_boolean *)p != 0;
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64:
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64: return *(const uint64_t *)p != 0;
    case PROTOBUF_C_TYPE_DOUBLE: return *(const double *)p != 0;
    case PROTOBUF_C_TYPE_FLOAT: return *(const float *)p != 0;
    default: return *(const uint32_t *)p != 0;
    }
}

int fc_pb_require(const ProtobufCMessage *msg, const char *fields, fc_err_t *err)
{
    const char *p = fields;
    while (p && *p) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)n, p);
        const ProtobufCFieldDescriptor *f =
            protobuf_c_message_descriptor_get_field_by_name(msg->descriptor, name);
        if (!f)
            return fc_err_set(err, FC_ERR, name, "%s has no field %s", msg->descriptor->name,
                              name);
        if (!s_present(msg, f))
            return fc_err_set(err, FC_EINVAL, name, "required field is missing or empty");
        p = comma ? comma + 1 : NULL;
    }
    return FC_OK;
}

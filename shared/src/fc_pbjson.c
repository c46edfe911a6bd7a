/* fc_pbjson: descriptor-driven protobuf <-> JSON. To-message works by packing: the JSON is
 * walked against the descriptor into a temporary message built with protobuf-c's own init
 * and allocator, so the result frees like any unpacked message. */
#include "fc_pbjson.h"
#include "fc_mem.h"
#include "fc_pb.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char s_b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static json_t *s_b64_encode(const uint8_t *p, size_t n)
{
    fc_buf_t b;
    fc_buf_init(&b);
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)p[i + 1] << 8;
        if (i + 2 < n)
            v |= p[i + 2];
        char out[4] = {s_b64[(v >> 18) & 63], s_b64[(v >> 12) & 63],
                       i + 1 < n ? s_b64[(v >> 6) & 63] : '=', i + 2 < n ? s_b64[v & 63] : '='};
        fc_buf_append(&b, out, 4);
    }
    json_t *j = json_stringn(b.data ? b.data : "", b.len);
    fc_buf_fini(&b);
    return j;
}

static int s_b64_decode(const char *s, uint8_t **out, size_t *len)
{
    size_t n = strlen(s);
    if (n % 4)
        return -1;
    uint8_t *buf = fc_xmalloc(n / 4 * 3 + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i += 4) {
        uint32_t v = 0;
        int pad = 0;
        for (int j = 0; j < 4; j++) {
            char c = s[i + j];
            const char *pos = c ? strchr(s_b64, c) : NULL;
            if (c == '=' && i + 4 == n && j >= 2) {
                pad++;
                v <<= 6;
            } else if (pos && !pad) {
                v = (v << 6) | (uint32_t)(pos - s_b64);
            } else {
                free(buf);
                return -1;
            }
        }
        buf[k++] = (uint8_t)(v >> 16);
        if (pad < 2)
            buf[k++] = (uint8_t)(v >> 8);
        if (pad < 1)
            buf[k++] = (uint8_t)v;
    }
    *out = buf;
    *len = k;
    return 0;
}

static json_t *s_scalar(const ProtobufCFieldDescriptor *f, const void *p)
{
    switch (f->type) {
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SINT32:
    case PROTOBUF_C_TYPE_SFIXED32: return json_integer(*(const int32_t *)p);
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_FIXED32: return json_integer(*(const uint32_t *)p);
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64: return json_integer(*(const int64_t *)p);
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64: return json_integer((json_int_t) * (const uint64_t *)p);
    case PROTOBUF_C_TYPE_FLOAT: return json_real(*(const float *)p);
    case PROTOBUF_C_TYPE_DOUBLE: return json_real(*(const double *)p);
    case PROTOBUF_C_TYPE_BOOL: return json_boolean(*(const protobuf_c_boolean *)p);
    case PROTOBUF_C_TYPE_ENUM: {
        const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(
            f->descriptor, *(const int *)p);
        return v ? json_string(v->name) : json_integer(*(const int *)p);
    }
    case PROTOBUF_C_TYPE_STRING: {
        const char *s = *(const char *const *)p;
        return json_string(s ? s : "");
    }
    case PROTOBUF_C_TYPE_BYTES: {
        const ProtobufCBinaryData *b = p;
        return s_b64_encode(b->data, b->len);
    }
    case PROTOBUF_C_TYPE_MESSAGE: {
        const ProtobufCMessage *m = *(const ProtobufCMessage *const *)p;
        return m ? fc_pbjson_from_message(m) : json_null();
    }
    }
    return json_null();
}

static size_t s_size_of(const ProtobufCFieldDescriptor *f)
{
    switch (f->type) {
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64:
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64:
    case PROTOBUF_C_TYPE_DOUBLE: return 8;
    case PROTOBUF_C_TYPE_BOOL: return sizeof(protobuf_c_boolean);
    case PROTOBUF_C_TYPE_STRING:
    case PROTOBUF_C_TYPE_MESSAGE: return sizeof(void *);
    case PROTOBUF_C_TYPE_BYTES: return sizeof(ProtobufCBinaryData);
    default: return 4;
    }
}

json_t *fc_pbjson_from_message(const ProtobufCMessage *msg)
{
    json_t *obj = json_object();
    const ProtobufCMessageDescriptor *d = msg->descriptor;
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        const char *base = (const char *)msg + f->offset;
        if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
            if (*(const uint32_t *)((const char *)msg + f->quantifier_offset) != f->id)
                continue;
        }
        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            size_t n = *(const size_t *)((const char *)msg + f->quantifier_offset);
            const char *arr = *(const char *const *)base;
            json_t *a = json_array();
            for (size_t k = 0; k < n; k++)
                json_array_append_new(a, s_scalar(f, arr + k * s_size_of(f)));
            json_object_set_new(obj, f->name, a);
        } else {
            json_object_set_new(obj, f->name, s_scalar(f, base));
        }
    }
    return obj;
}

/* ---- JSON -> message ---------------------------------------------------------------- */

static void *s_alloc(size_t n)
{
    return fc_xcalloc(1, n);
}

static int s_set_scalar(const ProtobufCFieldDescriptor *f, void *dst, const json_t *v,
                        const char *path, fc_err_t *err);

static ProtobufCMessage *s_to_message(const ProtobufCMessageDescriptor *desc, const json_t *json,
                                      const char *path, fc_err_t *err)
{
    if (!json_is_object(json)) {
        fc_err_set(err, FC_EINVAL, path[0] ? path : "body", "expected a JSON object for %s",
                   desc->name);
        return NULL;
    }
    ProtobufCMessage *m = s_alloc(desc->sizeof_message);
    desc->message_init(m);
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)json, key, v)
    {
        char fpath[FC_ERR_FIELD_MAX];
        snprintf(fpath, sizeof fpath, "%s%s%s", path, path[0] ? "." : "", key);
        const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field_by_name(desc, key);
        if (!f) {
            fc_err_set(err, FC_EINVAL, fpath, "unknown field");
            goto fail;
        }
        char *base = (char *)m + f->offset;
        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            if (!json_is_array(v)) {
                fc_err_set(err, FC_EINVAL, fpath, "expected an array");
                goto fail;
            }
            size_t n = json_array_size(v), sz = s_size_of(f);
            char *arr = n ? s_alloc(n * sz) : NULL;
            *(void **)base = arr;
            *(size_t *)((char *)m + f->quantifier_offset) = n;
            for (size_t k = 0; k < n; k++) {
                char ipath[FC_ERR_FIELD_MAX];
                snprintf(ipath, sizeof ipath, "%s[%zu]", fpath, k);
                if (s_set_scalar(f, arr + k * sz, json_array_get(v, k), ipath, err) != FC_OK)
                    goto fail;
            }
        } else {
            if (json_is_null(v))
                continue;
            if (s_set_scalar(f, base, v, fpath, err) != FC_OK)
                goto fail;
            if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF)
                *(uint32_t *)((char *)m + f->quantifier_offset) = f->id;
            else if (f->quantifier_offset && f->label == PROTOBUF_C_LABEL_OPTIONAL)
                *(protobuf_c_boolean *)((char *)m + f->quantifier_offset) = 1;
        }
    }
    return m;
fail:
    protobuf_c_message_free_unpacked(m, NULL);
    return NULL;
}

static int s_int(const json_t *v, long long lo, long long hi, long long *out, const char *path,
                 fc_err_t *err)
{
    if (!json_is_integer(v))
        return fc_err_set(err, FC_EINVAL, path, "expected an integer");
    long long x = json_integer_value(v);
    if (x < lo || x > hi)
        return fc_err_set(err, FC_EINVAL, path, "%lld is out of range", x);
    *out = x;
    return FC_OK;
}

static int s_set_scalar(const ProtobufCFieldDescriptor *f, void *dst, const json_t *v,
                        const char *path, fc_err_t *err)
{
    long long x = 0;
    switch (f->type) {
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SINT32:
    case PROTOBUF_C_TYPE_SFIXED32:
        if (s_int(v, INT32_MIN, INT32_MAX, &x, path, err))
            return FC_EINVAL;
        *(int32_t *)dst = (int32_t)x;
        return FC_OK;
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_FIXED32:
        if (s_int(v, 0, UINT32_MAX, &x, path, err))
            return FC_EINVAL;
        *(uint32_t *)dst = (uint32_t)x;
        return FC_OK;
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64:
        if (s_int(v, INT64_MIN, INT64_MAX, &x, path, err))
            return FC_EINVAL;
        *(int64_t *)dst = x;
        return FC_OK;
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64:
        if (s_int(v, 0, INT64_MAX, &x, path, err))
            return FC_EINVAL;
        *(uint64_t *)dst = (uint64_t)x;
        return FC_OK;
    case PROTOBUF_C_TYPE_FLOAT:
    case PROTOBUF_C_TYPE_DOUBLE:
        if (!json_is_number(v))
            return fc_err_set(err, FC_EINVAL, path, "expected a number");
        if (f->type == PROTOBUF_C_TYPE_FLOAT)
            *(float *)dst = (float)json_number_value(v);
        else
            *(double *)dst = json_number_value(v);
        return FC_OK;
    case PROTOBUF_C_TYPE_BOOL:
        if (!json_is_boolean(v))
            return fc_err_set(err, FC_EINVAL, path, "expected true or false");
        *(protobuf_c_boolean *)dst = json_is_true(v);
        return FC_OK;
    case PROTOBUF_C_TYPE_ENUM: {
        const ProtobufCEnumValue *ev = NULL;
        if (json_is_string(v))
            ev = protobuf_c_enum_descriptor_get_value_by_name(f->descriptor, json_string_value(v));
        else if (json_is_integer(v))
            ev = protobuf_c_enum_descriptor_get_value(f->descriptor, (int)json_integer_value(v));
        if (!ev)
            return fc_err_set(err, FC_EINVAL, path, "not a value of %s",
                              ((const ProtobufCEnumDescriptor *)f->descriptor)->name);
        *(int *)dst = ev->value;
        return FC_OK;
    }
    case PROTOBUF_C_TYPE_STRING: {
        if (!json_is_string(v))
            return fc_err_set(err, FC_EINVAL, path, "expected a string");
        const char *s = json_string_value(v);
        size_t n = json_string_length(v);
        if (memchr(s, '\0', n) || !fc_utf8_valid(s, n))
            return fc_err_set(err, FC_EINVAL, path, "text is not valid UTF-8 without NUL");
        *(char **)dst = fc_xstrndup(s, n);
        return FC_OK;
    }
    case PROTOBUF_C_TYPE_BYTES: {
        ProtobufCBinaryData *b = dst;
        if (!json_is_string(v) || s_b64_decode(json_string_value(v), &b->data, &b->len) != 0)
            return fc_err_set(err, FC_EINVAL, path, "expected base64 text");
        return FC_OK;
    }
    case PROTOBUF_C_TYPE_MESSAGE: {
        ProtobufCMessage *sub = s_to_message(f->descriptor, v, path, err);
        if (!sub)
            return FC_EINVAL;
        *(ProtobufCMessage **)dst = sub;
        return FC_OK;
    }
    }
    return fc_err_set(err, FC_EINVAL, path, "unsupported field type");
}

ProtobufCMessage *fc_pbjson_to_message(const ProtobufCMessageDescriptor *desc, const json_t *json,
                                       fc_err_t *err)
{
    return s_to_message(desc, json, "", err);
}

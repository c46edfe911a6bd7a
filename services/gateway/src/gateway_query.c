/* gateway_query: typed query parameters; the JSON then goes through fc_pbjson like a body. */
#include "gateway_query.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* One parameter's text as the JSON value of field f; NULL with err on a type error. */
static json_t *s_value(const ProtobufCFieldDescriptor *f, const char *text, fc_err_t *err)
{
    switch (f->type) {
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SINT32:
    case PROTOBUF_C_TYPE_SFIXED32:
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_FIXED32:
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64:
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64: {
        char *end = NULL;
        errno = 0;
        long long v = strtoll(text, &end, 10);
        if (!*text || *end || errno == ERANGE) {
            fc_err_set(err, FC_EINVAL, f->name, "“%s”不是整数", text);
            return NULL;
        }
        return json_integer(v); /* the range of the field is checked by fc_pbjson */
    }
    case PROTOBUF_C_TYPE_BOOL:
        if (strcmp(text, "true") == 0 || strcmp(text, "1") == 0)
            return json_true();
        if (strcmp(text, "false") == 0 || strcmp(text, "0") == 0)
            return json_false();
        fc_err_set(err, FC_EINVAL, f->name, "“%s”不是 true 或 false", text);
        return NULL;
    case PROTOBUF_C_TYPE_FLOAT:
    case PROTOBUF_C_TYPE_DOUBLE: {
        char *end = NULL;
        double v = strtod(text, &end);
        if (!*text || *end) {
            fc_err_set(err, FC_EINVAL, f->name, "“%s”不是数字", text);
            return NULL;
        }
        return json_real(v);
    }
    case PROTOBUF_C_TYPE_ENUM:
    case PROTOBUF_C_TYPE_STRING:
    case PROTOBUF_C_TYPE_BYTES: {
        json_t *s = json_string(text); /* NULL unless valid UTF-8 */
        if (!s)
            fc_err_set(err, FC_EINVAL, f->name, "文本不是有效的 UTF-8");
        return s;
    }
    case PROTOBUF_C_TYPE_MESSAGE:
        break;
    }
    fc_err_set(err, FC_EINVAL, f->name, "此字段不能用查询参数提交，请用 POST 提交 JSON");
    return NULL;
}

json_t *gateway_query_to_json(const ProtobufCMessageDescriptor *desc, size_t n,
                              const char *const *keys, const char *const *values, fc_err_t *err)
{
    json_t *obj = json_object();
    for (size_t i = 0; i < n; i++) {
        const ProtobufCFieldDescriptor *f =
            protobuf_c_message_descriptor_get_field_by_name(desc, keys[i]);
        if (!f) {
            fc_err_set(err, FC_EINVAL, keys[i], "未知字段");
            goto fail;
        }
        json_t *v = s_value(f, values[i] ? values[i] : "", err);
        if (!v)
            goto fail;
        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            json_t *a = json_object_get(obj, f->name);
            if (!a) {
                a = json_array();
                json_object_set_new(obj, f->name, a);
            }
            json_array_append_new(a, v);
        } else if (json_object_get(obj, f->name)) {
            json_decref(v);
            fc_err_set(err, FC_EINVAL, f->name, "参数重复");
            goto fail;
        } else {
            json_object_set_new(obj, f->name, v);
        }
    }
    return obj;
fail:
    json_decref(obj);
    return NULL;
}

/* gateway_audit: a walk over a message's fields by descriptor, collecting record keys. */
#include "gateway_audit.h"

#include <stdio.h>
#include <string.h>

#define S_MAX_DEPTH 8

void gateway_audit_keys_init(gateway_audit_keys_t *k, size_t max_subjects)
{
    k->subjects = json_array();
    k->seen = json_object();
    k->record = json_object();
    k->max = max_subjects;
}

void gateway_audit_keys_fini(gateway_audit_keys_t *k)
{
    json_decref(k->subjects);
    json_decref(k->seen);
    json_decref(k->record);
    memset(k, 0, sizeof *k);
}

static int s_ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int s_is_person(const char *name)
{
    return strcmp(name, "employee_no") == 0 || s_ends_with(name, "_employee_no") ||
           strcmp(name, "recipient") == 0; /* notify: "EMPNO" or "@ORG" */
}

static int s_is_key(const char *name)
{
    return s_ends_with(name, "_id") || s_ends_with(name, "_code") ||
           strcmp(name, "iso_week") == 0 || strcmp(name, "kind") == 0;
}

static void s_add_subject(gateway_audit_keys_t *k, const char *emp)
{
    if (!emp || !*emp || *emp == '@' || json_object_get(k->seen, emp) ||
        json_array_size(k->subjects) >= k->max)
        return;
    json_object_set_new(k->seen, emp, json_true());
    json_array_append_new(k->subjects, json_string(emp));
}

/* A key field's value (string or integer) as JSON; NULL for other types or defaults. */
static json_t *s_key_value(const ProtobufCFieldDescriptor *f, const void *p)
{
    switch (f->type) {
    case PROTOBUF_C_TYPE_STRING: {
        const char *s = *(const char *const *)p;
        return s && *s ? json_string(s) : NULL;
    }
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64:
        return *(const int64_t *)p ? json_integer(*(const int64_t *)p) : NULL;
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SINT32:
    case PROTOBUF_C_TYPE_SFIXED32:
        return *(const int32_t *)p ? json_integer(*(const int32_t *)p) : NULL;
    default:
        return NULL;
    }
}

static void s_walk(gateway_audit_keys_t *k, const ProtobufCMessage *msg, const char *path,
                   int in_list, int depth)
{
    if (!msg || depth > S_MAX_DEPTH)
        return;
    const ProtobufCMessageDescriptor *d = msg->descriptor;
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        const char *base = (const char *)msg + f->offset;
        if ((f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) &&
            *(const uint32_t *)((const char *)msg + f->quantifier_offset) != f->id)
            continue;
        char fpath[160];
        snprintf(fpath, sizeof fpath, "%s%s%s", path, *path ? "." : "", f->name);
        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            size_t n = *(const size_t *)((const char *)msg + f->quantifier_offset);
            if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
                const ProtobufCMessage *const *arr = *(const ProtobufCMessage *const *const *)base;
                for (size_t j = 0; j < n; j++)
                    s_walk(k, arr[j], fpath, 1, depth + 1);
                if (!in_list && n) {
                    char lpath[168];
                    snprintf(lpath, sizeof lpath, "%s[]", fpath);
                    json_object_set_new(k->record, lpath, json_integer((json_int_t)n));
                }
            } else if (f->type == PROTOBUF_C_TYPE_STRING && s_is_person(f->name)) {
                const char *const *arr = *(const char *const *const *)base;
                for (size_t j = 0; j < n; j++)
                    s_add_subject(k, arr[j]);
            }
            continue;
        }
        if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
            s_walk(k, *(const ProtobufCMessage *const *)base, fpath, in_list, depth + 1);
        } else if (f->type == PROTOBUF_C_TYPE_STRING && s_is_person(f->name)) {
            s_add_subject(k, *(const char *const *)base);
        } else if (!in_list && s_is_key(f->name) && !json_object_get(k->record, fpath)) {
            json_t *v = s_key_value(f, base);
            if (v)
                json_object_set_new(k->record, fpath, v);
        }
    }
}

void gateway_audit_keys_add(gateway_audit_keys_t *k, const ProtobufCMessage *msg)
{
    s_walk(k, msg, "", 0, 0);
}

char *gateway_audit_keys_subjects_json(const gateway_audit_keys_t *k)
{
    return json_dumps(k->subjects, JSON_COMPACT);
}

char *gateway_audit_keys_record_json(const gateway_audit_keys_t *k)
{
    return json_dumps(k->record, JSON_COMPACT | JSON_SORT_KEYS);
}

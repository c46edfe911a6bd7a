/* gateway_audit: what an audit row says about "which record", found generically from the
 * messages' descriptors: the people concerned (every employee_no / *_employee_no / recipient
 * field naming a person, at any depth, deduplicated) and the other keys of the record (*_id,
 * *_code, iso_week fields outside lists, and the size of each list). */
#ifndef GATEWAY_AUDIT_H
#define GATEWAY_AUDIT_H

#include <jansson.h>
#include <stddef.h>
#include <protobuf-c/protobuf-c.h>

typedef struct {
    json_t *subjects; /* array of employee numbers, first seen first */
    json_t *seen;     /* the same as an object, for deduplication */
    json_t *record;   /* {"case_id": 12, "org_code": "S1", "checkins[]": 3} */
    size_t max;       /* subjects kept at most */
} gateway_audit_keys_t;

void gateway_audit_keys_init(gateway_audit_keys_t *k, size_t max_subjects);
void gateway_audit_keys_fini(gateway_audit_keys_t *k);
/* Adds what msg names (the request, then the reply of a sensitive read). */
void gateway_audit_keys_add(gateway_audit_keys_t *k, const ProtobufCMessage *msg);
/* Compact JSON texts of subjects and record; the caller frees them. */
char *gateway_audit_keys_subjects_json(const gateway_audit_keys_t *k);
char *gateway_audit_keys_record_json(const gateway_audit_keys_t *k);

#endif

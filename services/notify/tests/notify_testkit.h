/* notify_testkit: what notify's integration tests do around a running fc-notify: publish
 * other services' events on their streams exactly as an outbox relay does (the event
 * contract is the interface under test), drive the file clock, call notify's RPC routes,
 * and find free test ports (FC_TEST_PORT_BASE). */
#ifndef NOTIFY_TESTKIT_H
#define NOTIFY_TESTKIT_H

#include <stdint.h>
#include <protobuf-c/protobuf-c.h>
#include "fc_err.h"

/* FC_TEST_PORT_BASE + offset. */
int nt_port(int offset);
/* "2026-11-23T09:00:00+08:00" as UTC microseconds (aborts on a bad literal). */
int64_t nt_time(const char *iso);
/* The clock file fc-notify reads (FC_CLOCK=file:PATH) for this test; created at t. */
const char *nt_clock_init(const char *test, int64_t t);
void nt_clock_set(int64_t t);
int64_t nt_clock_now(void);

/* XADD to fc:events:<source> with the relay's fields (id, type, source, at, payload). */
void nt_publish(const char *source, const char *type, const ProtobufCMessage *msg, int64_t at_us);
/* intake.org_upserted / intake.person_upserted */
void nt_org(const char *code, const char *parent, const char *name, const char *kind);
void nt_person(const char *emp, const char *name, const char *phone, const char *org,
               int leadership);

/* Calls notify as the group-wide service (role/scope NULL) or as role within scope. The reply
 * is the caller's (protobuf_c_message_free_unpacked). */
int nt_call(const char *role, const char *scope, const char *type, const ProtobufCMessage *req,
            const ProtobufCMessageDescriptor *reply_desc, ProtobufCMessage **reply, fc_err_t *err);
/* The same with a chosen message id (a retried command). */
int nt_call_id(const char *message_id, const char *type, const ProtobufCMessage *req,
               const ProtobufCMessageDescriptor *reply_desc, ProtobufCMessage **reply,
               fc_err_t *err);

/* Environment of fc-notify for a test: the clock file, the fakes' URLs, fast retries. The
 * returned array (NULL-terminated) and its strings live until nt_env_free. extra may be NULL. */
const char *const *nt_env(int http_port, int smtp_port, const char *const *extra);
void nt_env_free(void);
/* Closes the kit's connections. */
void nt_done(void);

#endif

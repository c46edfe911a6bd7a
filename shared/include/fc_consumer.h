/* fc_consumer: reads a Redis stream through a consumer group and applies each event exactly
 * once: the event id goes into the consumer's inbox table in the same transaction as the
 * handler's effect, and only after the commit is the entry acknowledged. A duplicate (already
 * in the inbox) is acknowledged without effect. The entries of one read are applied in one
 * transaction, each under a savepoint (a failing event is undone alone and stays pending), then
 * committed and acknowledged together: one commit and one XACK per batch. Entries left pending by a dead consumer are
 * reclaimed after claim_idle_ms; after max_deliveries an entry goes to a dead-letter stream. */
#ifndef FC_CONSUMER_H
#define FC_CONSUMER_H

#include <stddef.h>
#include <stdint.h>
#include <protobuf-c/protobuf-c.h>
#include "fc_err.h"
#include "fc_pg.h"
#include "fc_redis.h"

typedef struct {
    const char *stream_id; /* Redis entry id */
    const char *event_id;  /* the producer's id (outbox) */
    const char *type;      /* e.g. "intake.health_checked_in" */
    const char *source;    /* producing service */
    int64_t at_us;
    const uint8_t *payload;
    size_t payload_len;
} fc_event_t;

/* Runs inside the consumer's open transaction. FC_OK commits the effect; FC_EINVAL (a bad
 * event that will never apply) records it as rejected and acknowledges; any other code rolls
 * back and leaves the entry for redelivery. */
typedef int (*fc_event_handler_fn)(void *app, fc_pg_t *pg, const fc_event_t *ev, fc_err_t *err);

/* Decodes an event's payload as desc (size cap, UTF-8 checked); NULL with FC_EINVAL in err if it
 * does not decode, which a handler returns to reject the event. The caller frees the result
 * with protobuf_c_message_free_unpacked(m, NULL). */
ProtobufCMessage *fc_event_decode(const fc_event_t *ev, const ProtobufCMessageDescriptor *desc,
                                  fc_err_t *err);

typedef struct {
    int batch;              /* entries per read; default 64 */
    int64_t claim_idle_ms;  /* reclaim others' entries idle this long; default 30000 */
    int max_deliveries;     /* then dead-letter; default 10 */
} fc_consumer_opts_t;

typedef struct fc_consumer fc_consumer_t;

/* Creates the group if needed. pg and redis are borrowed. */
fc_consumer_t *fc_consumer_new(fc_redis_t *redis, fc_pg_t *pg, const char *stream,
                               const char *group, const char *name, fc_event_handler_fn handler,
                               void *app, const fc_consumer_opts_t *opts, fc_err_t *err);
void fc_consumer_destroy(fc_consumer_t **self_p);
/* Entries of these types (a NULL-terminated list the caller keeps) are acknowledged without
 * opening a transaction: events the consumer has nothing to do with cost no inbox row. */
void fc_consumer_ignore(fc_consumer_t *self, const char *const *types);
/* Non-blocking: handles this consumer's own pending entries, reclaimed ones, then new ones,
 * up to one batch. *n_out how many were handled (may be NULL). */
int fc_consumer_poll(fc_consumer_t *self, int *n_out, fc_err_t *err);
/* Entries delivered to the group but not yet acknowledged, and the stream's lag. */
long long fc_consumer_pending(fc_consumer_t *self);
long long fc_consumer_applied(const fc_consumer_t *self);
const char *fc_consumer_stream(const fc_consumer_t *self);

#endif

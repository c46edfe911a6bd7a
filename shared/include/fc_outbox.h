/* fc_outbox: the transactional outbox. A service writes its event into its own outbox table
 * in the same transaction as the change; the relay moves unpublished rows to a Redis stream
 * (XADD) and marks them published. Publishing is at least once: consumers deduplicate by
 * event id. If Redis restarts (its run id changes) the relay republishes recent rows, since
 * Redis with AOF everysec may have lost the last second of them. */
#ifndef FC_OUTBOX_H
#define FC_OUTBOX_H

#include <stdint.h>
#include <protobuf-c/protobuf-c.h>
#include "fc_err.h"
#include "fc_id.h"
#include "fc_pg.h"
#include "fc_redis.h"

/* The stream a service publishes on: "fc:events:<service>". */
#define FC_STREAM_PREFIX "fc:events:"

/* Adds event (packed here) of type to the outbox, inside the caller's open transaction; at_us
 * is when it happened. The new event id is written to event_id_out if not NULL. */
int fc_outbox_add(fc_pg_t *pg, const char *stream, const char *type, const ProtobufCMessage *event,
                  int64_t at_us, char event_id_out[FC_ID_LEN + 1], fc_err_t *err);

typedef struct fc_outbox_relay fc_outbox_relay_t;

/* pg and redis are borrowed. republish_window_s: how far back to republish after a Redis
 * restart (default 120). */
fc_outbox_relay_t *fc_outbox_relay_new(fc_pg_t *pg, fc_redis_t *redis, const char *source,
                                       int republish_window_s);
void fc_outbox_relay_destroy(fc_outbox_relay_t **self_p);
/* Publishes up to max unpublished rows in id order; *n_out how many (may be NULL). */
int fc_outbox_relay_run(fc_outbox_relay_t *self, int max, int *n_out, fc_err_t *err);
/* Rows not yet published. */
long long fc_outbox_pending(fc_pg_t *pg, fc_err_t *err);

#endif

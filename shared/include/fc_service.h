/* fc_service: the skeleton every service runs. It reads the configuration, connects to
 * PostgreSQL (its own schema and role) and Redis, applies migrations, binds its ROUTER socket
 * and loops: one request at a time through s_dispatch (size cap, unpack, route, handle, reply),
 * the outbox relay, the event subscriptions and the service's own tick. SIGTERM stops reading,
 * finishes the message in hand, tears down in reverse order and exits 0. */
#ifndef FC_SERVICE_H
#define FC_SERVICE_H

#include <stddef.h>
#include <stdint.h>
#include <protobuf-c/protobuf-c.h>
#include "fc/v1/envelope.pb-c.h"
#include "fc_config.h"
#include "fc_consumer.h"
#include "fc_err.h"
#include "fc_mem.h"
#include "fc_pg.h"
#include "fc_redis.h"

typedef struct fc_service fc_service_t;

/* One request being handled. request is decoded into arena; a handler allocates its reply
 * there too (or points at its own static/stack storage valid until it returns). */
typedef struct {
    const Fc__V1__Envelope *env;
    const ProtobufCMessage *request;
    fc_arena_t *arena;
    ProtobufCMessage *reply;
} fc_call_t;

enum {
    /* Runs in a transaction; the reply is stored under the message id, so a retried command
     * is answered from the store and takes effect once. */
    FC_ROUTE_WRITE = 1u << 0,
};

typedef struct {
    const char *type;                          /* "intake.health_checkin" */
    const ProtobufCMessageDescriptor *request; /* what the payload must decode as */
    int (*handle)(fc_service_t *svc, fc_call_t *call, fc_err_t *err);
    unsigned flags;
} fc_route_t;

typedef struct {
    const char *source;          /* producing service: reads stream fc:events:<source> */
    fc_event_handler_fn handle;  /* app = the service's app pointer */
} fc_subscription_t;

typedef struct {
    const char *name;            /* "intake": schema, role fc_<name>, stream fc:events:<name> */
    const fc_cfg_def_t *config;  /* the service's own variables; may be NULL */
    size_t nconfig;
    const fc_route_t *routes;
    size_t nroutes;
    const fc_subscription_t *subs;
    size_t nsubs;
    /* After connect and migrate, before serving. May set the app pointer. */
    int (*start)(fc_service_t *svc, fc_err_t *err);
    /* Each turn of the loop (schedules, sweepers); must do bounded work. May be NULL. */
    void (*tick)(fc_service_t *svc);
    /* At shutdown, before the connections close. May be NULL. */
    void (*stop)(fc_service_t *svc);
} fc_service_def_t;

/* Runs the service until SIGTERM/SIGINT. Handles --print-config, --version, --help. */
int fc_service_main(const fc_service_def_t *def, int argc, char **argv);

fc_pg_t *fc_service_pg(fc_service_t *svc);
fc_redis_t *fc_service_redis(fc_service_t *svc);
const fc_config_t *fc_service_config(fc_service_t *svc);
const char *fc_service_name(const fc_service_t *svc);
void *fc_service_app(fc_service_t *svc);
void fc_service_set_app(fc_service_t *svc, void *app);
/* The ZeroMQ context, for clients of other services. */
void *fc_service_zmq(fc_service_t *svc);
/* Writes an event to this service's outbox (stream fc:events:<name>) inside the current
 * transaction. */
int fc_service_publish(fc_service_t *svc, const char *type, const ProtobufCMessage *event,
                       int64_t at_us, fc_err_t *err);

/* The org scope and actor of a call ("" when absent). */
const char *fc_call_scope(const fc_call_t *call);
const char *fc_call_actor(const fc_call_t *call);
const char *fc_call_role(const fc_call_t *call);

/* In the start hook: events of these types from source (a NULL-terminated list the caller
 * keeps) are acknowledged without a transaction — for high-volume events the service has no
 * use for. FC_ENOTFOUND if the service does not subscribe to source. */
int fc_service_ignore_events(fc_service_t *svc, const char *source, const char *const *types);

#endif

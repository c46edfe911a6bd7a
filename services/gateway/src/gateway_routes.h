/* gateway_routes: the one static table of the HTTP API. Each row is one service operation:
 * POST /api/v1/<service>/<operation> (and GET for reads) maps to the RPC type
 * "<service>.<operation>" with its request and reply messages, the least role that may call
 * it, and whether it writes or reads sensitive data (both are audited). The router, the
 * authorisation check, the audit and the OpenAPI document all come from this table. */
#ifndef GATEWAY_ROUTES_H
#define GATEWAY_ROUTES_H

#include <stddef.h>
#include <protobuf-c/protobuf-c.h>

/* Roles in increasing power; a route admits its minimum and every role above it. */
typedef enum {
    GW_ROLE_NONE = 0,
    GW_ROLE_VIEWER = 1,
    GW_ROLE_BRANCH_SECRETARY = 2,
    GW_ROLE_ORG_ADMIN = 3,
    GW_ROLE_GROUP_ADMIN = 4,
} gateway_role_t;

enum {
    GW_WRITE = 1u << 0,     /* changes state: POST only, audited, Idempotency-Key honoured */
    GW_SENSITIVE = 1u << 1, /* a read of health, incident or family data: audited */
};

typedef struct {
    const char *type; /* "intake.person_get" */
    const ProtobufCMessageDescriptor *request;
    const ProtobufCMessageDescriptor *reply;
    gateway_role_t min_role;
    unsigned flags;
    const char *summary; /* one line, Simplified Chinese */
} gateway_route_t;

extern const gateway_route_t gateway_routes[];
extern const size_t gateway_nroutes;

/* Service operations deliberately not offered over HTTP (internal, service identity only). */
typedef struct {
    const char *type;
    const char *why;
} gateway_internal_t;
extern const gateway_internal_t gateway_internal[];
extern const size_t gateway_ninternal;

/* The route for "/api/v1/<service>/<operation>" (path after the prefix: "intake/person_get");
 * NULL if none. */
const gateway_route_t *gateway_route_by_path(const char *service_op);
/* The route of an RPC type; NULL if none. */
const gateway_route_t *gateway_route_by_type(const char *type);
/* Index of a route in the table (for metrics). */
size_t gateway_route_index(const gateway_route_t *route);
/* The service part of a route's type, into buf ("intake"). */
const char *gateway_route_service(const gateway_route_t *route, char *buf, size_t n);
/* "/api/v1/intake/person_get" into buf. */
const char *gateway_route_path(const gateway_route_t *route, char *buf, size_t n);

/* "viewer" → GW_ROLE_VIEWER; GW_ROLE_NONE if unknown. */
gateway_role_t gateway_role_parse(const char *name);
const char *gateway_role_name(gateway_role_t role);

#endif

/* fcctl: the command-line client. Shared state of one invocation and the helpers every
 * subcommand uses (calling a service, printing a reply, exit codes). */
#ifndef FCCTL_H
#define FCCTL_H

#include <protobuf-c/protobuf-c.h>
#include "fc_err.h"
#include "fc_rpc.h"

/* Exit codes scripts can rely on. */
enum {
    FCCTL_OK = 0,
    FCCTL_EREJECTED = 1,  /* the service refused the request (bad input, not found, denied) */
    FCCTL_EUSAGE = 2,     /* bad command line */
    FCCTL_EUNAVAIL = 3,   /* a service did not answer */
    FCCTL_EFAIL = 4,      /* anything else */
};

typedef struct {
    int json;             /* --json: machine-readable output */
    const char *scope;    /* --scope ORG (FC_ORG_SCOPE) */
    const char *actor;    /* --actor ID (FC_ACTOR) */
    const char *role;     /* --role ROLE (FC_ROLE) */
    int timeout_ms;
    void *zmq;
} fcctl_t;

typedef struct {
    const char *name;     /* "health", "person show" */
    const char *usage;
    const char *help;
    int (*run)(fcctl_t *ctl, int argc, char **argv);
} fcctl_cmd_t;

/* Calls service's type; prints the error and returns an exit code on failure. Goes through
 * the gateway over HTTP when FC_GATEWAY_URL and FC_TOKEN are set (fcctl_transport), else
 * straight to the service over ZeroMQ. */
int fcctl_call(fcctl_t *ctl, const char *service, const char *type, const ProtobufCMessage *req,
               const ProtobufCMessageDescriptor *reply_desc, ProtobufCMessage **reply_out);
/* fcctl_call, then prints the reply: as JSON with --json, else by text(reply) (NULL: nothing).
 * Returns an exit code. */
int fcctl_run(fcctl_t *ctl, const char *service, const char *type, const ProtobufCMessage *req,
              const ProtobufCMessageDescriptor *reply_desc,
              void (*text)(const ProtobufCMessage *reply));
/* Maps an FC_E* code to an exit code. */
int fcctl_exit_code(int fc_code);
/* Prints an error to stderr as "fcctl: <field>: <message>". */
void fcctl_print_error(const fc_err_t *err);
/* Prints msg as JSON on stdout. */
void fcctl_print_json(const ProtobufCMessage *msg);
/* Parses "36.5" into tenths (365); -1 on error. */
int fcctl_parse_temp(const char *s);

/* fcctl_transport: the HTTP route to the gateway. True if FC_GATEWAY_URL and FC_TOKEN are
 * both set. */
int fcctl_transport_http(void);
/* Sends req as JSON to $FC_GATEWAY_URL/api/v1/<service>/<operation> of type with the bearer
 * token, retrying lost answers with the same Idempotency-Key; the JSON reply becomes
 * *reply_out (caller frees with protobuf_c_message_free_unpacked). An error reply returns its
 * FC_E* code with err filled from {"error": {"code", "message", "field"}}. */
int fcctl_transport_call(fcctl_t *ctl, const char *type, const ProtobufCMessage *req,
                         const ProtobufCMessageDescriptor *reply_desc,
                         ProtobufCMessage **reply_out, fc_err_t *err);

/* One command table per area, each ended by a {NULL} entry. */
extern const fcctl_cmd_t fcctl_health_cmds[];
extern const fcctl_cmd_t fcctl_intake_cmds[];
extern const fcctl_cmd_t fcctl_rotation_cmds[];
extern const fcctl_cmd_t fcctl_welfare_cmds[];
extern const fcctl_cmd_t fcctl_notify_cmds[];
extern const fcctl_cmd_t fcctl_report_cmds[];
extern const fcctl_cmd_t fcctl_gateway_cmds[];
extern const fcctl_cmd_t fcctl_play_cmds[];
extern const fcctl_cmd_t fcctl_supply_cmds[];

#endif

/* fc_rpc: request/reply over ZeroMQ in the common envelope. The server is a ROUTER that
 * receives one request at a time and answers with a reply or an error reply; the client is a
 * DEALER with a timeout, bounded retries and a fresh socket per retry (the ZeroMQ guide's Lazy
 * Pirate), resending the same message id so the server can apply a command once. */
#ifndef FC_RPC_H
#define FC_RPC_H

#include <stddef.h>
#include <stdint.h>
#include <protobuf-c/protobuf-c.h>
#include "fc/v1/envelope.pb-c.h"
#include "fc_err.h"
#include "fc_id.h"

/* Frames over this are cut off by libzmq (the peer is disconnected). Envelopes between
 * FC_PB_MAX_MESSAGE and this get an ETOOBIG error reply. */
#define FC_RPC_MAX_FRAME (16 * 1024 * 1024)

/* CURVE keys (Z85, 40 characters each); all NULL/empty = plain TCP. */
typedef struct {
    const char *server_public;
    const char *server_secret;
    const char *client_public;
    const char *client_secret;
} fc_rpc_keys_t;

/* The client keys of this process from the environment: FC_CURVE_SERVER_PUBLIC,
 * FC_CURVE_CLIENT_PUBLIC, FC_CURVE_CLIENT_SECRET (borrowed getenv strings; NULL if unset).
 * A client made without explicit keys uses these, so fcctl, the gateway, the services and the
 * tests all speak CURVE as soon as the keys are in their environment. */
void fc_rpc_keys_from_env(fc_rpc_keys_t *out);

/* ---- server ---- */

typedef struct fc_rpc_server fc_rpc_server_t;

/* A received request: the peer identity and the decoded envelope (owned; see fini). */
typedef struct {
    uint8_t identity[256];
    size_t identity_len;
    Fc__V1__Envelope *env; /* NULL when the envelope could not be decoded */
    size_t wire_len;
} fc_rpc_request_t;

/* Binds endpoint ("tcp://127.0.0.1:5551"). keys may be NULL. */
fc_rpc_server_t *fc_rpc_server_new(void *zmq_ctx, const char *endpoint, const fc_rpc_keys_t *keys,
                                   fc_err_t *err);
void fc_rpc_server_destroy(fc_rpc_server_t **self_p);
/* The socket, for zmq_poll. */
void *fc_rpc_server_socket(fc_rpc_server_t *self);
/* Takes one request if one is waiting. FC_ENOTFOUND: none. FC_OK: req->env is set. Other
 * codes: the envelope was bad (err says why); answer with fc_rpc_server_reply_error. */
int fc_rpc_server_recv(fc_rpc_server_t *self, fc_rpc_request_t *req, fc_err_t *err);
/* Answers with payload bytes (already packed) of the given type. */
int fc_rpc_server_reply_bytes(fc_rpc_server_t *self, const fc_rpc_request_t *req,
                              const char *type, const uint8_t *payload, size_t len);
/* Answers with a message (packed here); reply may be NULL for an empty payload. */
int fc_rpc_server_reply(fc_rpc_server_t *self, const fc_rpc_request_t *req,
                        const ProtobufCMessage *reply);
/* Answers with an error envelope carrying err's code, field and message. */
int fc_rpc_server_reply_error(fc_rpc_server_t *self, const fc_rpc_request_t *req,
                              const fc_err_t *err);
/* Packs a whole reply envelope for req (for storing a reply to replay to a retry). */
uint8_t *fc_rpc_pack_reply(const fc_rpc_request_t *req, const char *type, const uint8_t *payload,
                           size_t len, size_t *len_out);
int fc_rpc_server_send_raw(fc_rpc_server_t *self, const fc_rpc_request_t *req,
                           const uint8_t *env, size_t len);
void fc_rpc_request_fini(fc_rpc_request_t *req);

/* ---- client ---- */

typedef struct fc_rpc_client fc_rpc_client_t;

typedef struct {
    const char *actor_id;  /* default "fcctl" */
    const char *actor_role;/* default "service" */
    const char *org_scope; /* default "" */
    int timeout_ms;        /* per attempt; default 3000 */
    int retries;           /* attempts after the first; default 2 */
    const fc_rpc_keys_t *keys; /* NULL: from the environment (fc_rpc_keys_from_env) */
    /* > 0: fail fast. A request is only sent over a connection that is up (ZMQ_IMMEDIATE);
     * if none is up within connect_ms the call returns FC_EUNAVAIL instead of waiting for
     * the reply timeout, so "service down" and "service slow" can be told apart. */
    int connect_ms;
} fc_rpc_client_opts_t;

/* zmq_ctx may be NULL: the client makes and owns one. opts may be NULL. NULL if a CURVE key
 * is malformed or the endpoint is unusable (logged). */
fc_rpc_client_t *fc_rpc_client_new(void *zmq_ctx, const char *endpoint,
                                   const fc_rpc_client_opts_t *opts);
void fc_rpc_client_destroy(fc_rpc_client_t **self_p);
void fc_rpc_client_set_scope(fc_rpc_client_t *self, const char *actor_id, const char *role,
                             const char *org_scope);
/* Calls type with req; on success *reply_out is the decoded reply (caller frees with
 * protobuf_c_message_free_unpacked(reply, NULL)). An error reply returns its code with err
 * filled; no answer after every retry returns FC_ETIMEOUT (with connect_ms set: no connection
 * up returns FC_EUNAVAIL). message_id NULL = a new one. */
int fc_rpc_call(fc_rpc_client_t *self, const char *type, const ProtobufCMessage *req,
                const ProtobufCMessageDescriptor *reply_desc, ProtobufCMessage **reply_out,
                const char *message_id, fc_err_t *err);
/* Sends raw envelope bytes (tests, the gateway) and returns the raw reply envelope decoded
 * (caller frees with fc__v1__envelope__free_unpacked). */
int fc_rpc_call_envelope(fc_rpc_client_t *self, const uint8_t *env, size_t len,
                         const char *expect_correlation, Fc__V1__Envelope **reply_out,
                         fc_err_t *err);
/* Builds and packs a request envelope. Caller frees the result. */
uint8_t *fc_rpc_pack_request(const char *type, const char *message_id, const char *actor_id,
                             const char *actor_role, const char *org_scope, int64_t sent_at_us,
                             const uint8_t *payload, size_t payload_len, size_t *len_out);

#endif

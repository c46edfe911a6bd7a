/* fc_rpc: ZeroMQ ROUTER server and Lazy-Pirate DEALER client for envelopes. */
#include "fc_rpc.h"
#include "fc_clock.h"
#include "fc_log.h"
#include "fc_mem.h"
#include "fc_pb.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

struct fc_rpc_server {
    void *sock;
    char *endpoint;
};

static int s_apply_keys_server(void *sock, const fc_rpc_keys_t *keys, fc_err_t *err)
{
    if (!keys || !keys->server_secret || !*keys->server_secret)
        return FC_OK;
    int one = 1;
    if (zmq_setsockopt(sock, ZMQ_CURVE_SERVER, &one, sizeof one) != 0 ||
        zmq_setsockopt(sock, ZMQ_CURVE_SECRETKEY, keys->server_secret, 40) != 0)
        return fc_err_set(err, FC_EINVAL, "FC_CURVE_SERVER_SECRET",
                          "could not enable CURVE on the server socket: %s",
                          zmq_strerror(zmq_errno()));
    return FC_OK;
}

fc_rpc_server_t *fc_rpc_server_new(void *zmq_ctx, const char *endpoint, const fc_rpc_keys_t *keys,
                                   fc_err_t *err)
{
    fc_rpc_server_t *self = fc_xcalloc(1, sizeof *self);
    self->endpoint = fc_xstrdup(endpoint);
    self->sock = zmq_socket(zmq_ctx, ZMQ_ROUTER);
    if (!self->sock) {
        fc_err_set(err, FC_ERR, "endpoint", "could not create a ROUTER socket: %s",
                   zmq_strerror(zmq_errno()));
        goto fail;
    }
    int linger = 0;
    int64_t maxsize = FC_RPC_MAX_FRAME;
    int hwm = 10000;
    zmq_setsockopt(self->sock, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(self->sock, ZMQ_MAXMSGSIZE, &maxsize, sizeof maxsize);
    zmq_setsockopt(self->sock, ZMQ_RCVHWM, &hwm, sizeof hwm);
    zmq_setsockopt(self->sock, ZMQ_SNDHWM, &hwm, sizeof hwm);
    if (s_apply_keys_server(self->sock, keys, err) != FC_OK)
        goto fail;
    if (zmq_bind(self->sock, endpoint) != 0) {
        fc_err_set(err, FC_EUNAVAIL, "endpoint", "could not listen on \"%s\": %s", endpoint,
                   zmq_strerror(zmq_errno()));
        goto fail;
    }
    return self;
fail:
    fc_rpc_server_destroy(&self);
    return NULL;
}

void fc_rpc_server_destroy(fc_rpc_server_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    fc_rpc_server_t *self = *self_p;
    if (self->sock)
        zmq_close(self->sock);
    free(self->endpoint);
    free(self);
    *self_p = NULL;
}

void *fc_rpc_server_socket(fc_rpc_server_t *self)
{
    return self->sock;
}

void fc_rpc_request_fini(fc_rpc_request_t *req)
{
    if (req->env)
        fc__v1__envelope__free_unpacked(req->env, NULL);
    req->env = NULL;
    req->identity_len = 0;
}

/* Reads the rest of a multipart message into nothing. */
static void s_drain(void *sock)
{
    int more = 1;
    size_t sz = sizeof more;
    while (more) {
        zmq_msg_t m;
        zmq_msg_init(&m);
        if (zmq_msg_recv(&m, sock, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&m);
            return;
        }
        zmq_msg_close(&m);
        zmq_getsockopt(sock, ZMQ_RCVMORE, &more, &sz);
    }
}

int fc_rpc_server_recv(fc_rpc_server_t *self, fc_rpc_request_t *req, fc_err_t *err)
{
    memset(req, 0, sizeof *req);
    zmq_msg_t id, delim, body;
    zmq_msg_init(&id);
    if (zmq_msg_recv(&id, self->sock, ZMQ_DONTWAIT) < 0) {
        zmq_msg_close(&id);
        return zmq_errno() == EAGAIN || zmq_errno() == EINTR ? FC_ENOTFOUND : FC_ERR;
    }
    size_t idlen = zmq_msg_size(&id);
    if (idlen > sizeof req->identity)
        idlen = sizeof req->identity;
    memcpy(req->identity, zmq_msg_data(&id), idlen);
    req->identity_len = idlen;
    int more = zmq_msg_more(&id);
    zmq_msg_close(&id);

    int rc = FC_EINVAL;
    zmq_msg_init(&delim);
    zmq_msg_init(&body);
    if (!more || zmq_msg_recv(&delim, self->sock, ZMQ_DONTWAIT) < 0 || zmq_msg_size(&delim) != 0 ||
        !zmq_msg_more(&delim) || zmq_msg_recv(&body, self->sock, ZMQ_DONTWAIT) < 0) {
        fc_err_set(err, FC_EINVAL, "envelope", "request is not [empty][envelope] frames");
        s_drain(self->sock);
        goto out;
    }
    if (zmq_msg_more(&body)) {
        s_drain(self->sock);
        fc_err_set(err, FC_EINVAL, "envelope", "request has more than one envelope frame");
        goto out;
    }
    req->wire_len = zmq_msg_size(&body);
    req->env = (Fc__V1__Envelope *)fc_pb_unpack(&fc__v1__envelope__descriptor,
                                                zmq_msg_data(&body), zmq_msg_size(&body),
                                                FC_PB_MAX_MESSAGE, NULL, "envelope", err);
    if (!req->env) {
        rc = err ? err->code : FC_EINVAL;
        goto out;
    }
    if (!req->env->type || !*req->env->type) {
        fc_err_set(err, FC_EINVAL, "type", "envelope has no message type");
        goto out;
    }
    if (!req->env->message_id || !*req->env->message_id ||
        strlen(req->env->message_id) > 64) {
        fc_err_set(err, FC_EINVAL, "message_id", "envelope has no usable message id");
        goto out;
    }
    rc = FC_OK;
out:
    zmq_msg_close(&delim);
    zmq_msg_close(&body);
    return rc;
}

int fc_rpc_server_send_raw(fc_rpc_server_t *self, const fc_rpc_request_t *req,
                           const uint8_t *env, size_t len)
{
    if (zmq_send(self->sock, req->identity, req->identity_len, ZMQ_SNDMORE) < 0 ||
        zmq_send(self->sock, "", 0, ZMQ_SNDMORE) < 0 || zmq_send(self->sock, env, len, 0) < 0) {
        fc_log_warn("rpc.reply_failed", "error", FC_LS(zmq_strerror(zmq_errno())), NULL);
        return FC_ERR;
    }
    return FC_OK;
}

static uint8_t *s_pack_reply(const fc_rpc_request_t *req, const char *type,
                             const uint8_t *payload, size_t len, const fc_err_t *err,
                             size_t *len_out)
{
    Fc__V1__Envelope env = FC__V1__ENVELOPE__INIT;
    Fc__V1__Error e = FC__V1__ERROR__INIT;
    char id[FC_ID_LEN + 1];
    fc_id_new(id);
    env.message_id = id;
    env.correlation_id = req->env && req->env->message_id ? req->env->message_id : "";
    env.type = (char *)(type ? type : "");
    env.sent_at_us = fc_clock_now_us();
    env.payload.data = (uint8_t *)payload;
    env.payload.len = len;
    if (err) {
        e.code = err->code ? err->code : FC_ERR;
        e.field = (char *)err->field;
        e.message = (char *)err->message;
        env.error = &e;
    }
    return fc_pb_pack(&env.base, len_out);
}

uint8_t *fc_rpc_pack_reply(const fc_rpc_request_t *req, const char *type, const uint8_t *payload,
                           size_t len, size_t *len_out)
{
    return s_pack_reply(req, type, payload, len, NULL, len_out);
}

int fc_rpc_server_reply_bytes(fc_rpc_server_t *self, const fc_rpc_request_t *req,
                              const char *type, const uint8_t *payload, size_t len)
{
    size_t n;
    uint8_t *buf = s_pack_reply(req, type, payload, len, NULL, &n);
    int rc = fc_rpc_server_send_raw(self, req, buf, n);
    free(buf);
    return rc;
}

int fc_rpc_server_reply(fc_rpc_server_t *self, const fc_rpc_request_t *req,
                        const ProtobufCMessage *reply)
{
    size_t n = 0;
    uint8_t *payload = reply ? fc_pb_pack(reply, &n) : NULL;
    int rc = fc_rpc_server_reply_bytes(self, req, reply ? reply->descriptor->name : "", payload, n);
    free(payload);
    return rc;
}

int fc_rpc_server_reply_error(fc_rpc_server_t *self, const fc_rpc_request_t *req,
                              const fc_err_t *err)
{
    size_t n;
    uint8_t *buf = s_pack_reply(req, "fc.v1.Error", NULL, 0, err, &n);
    int rc = fc_rpc_server_send_raw(self, req, buf, n);
    free(buf);
    return rc;
}

/* ---- client ------------------------------------------------------------------ */

struct fc_rpc_client {
    void *ctx;
    int own_ctx;
    void *sock;
    char *endpoint;
    char *actor_id, *actor_role, *org_scope;
    int timeout_ms;
    int retries;
    int connect_ms;
    fc_rpc_keys_t keys;
    char *keybuf[4];
};

void fc_rpc_keys_from_env(fc_rpc_keys_t *out)
{
    memset(out, 0, sizeof *out);
    out->server_public = getenv("FC_CURVE_SERVER_PUBLIC");
    out->client_public = getenv("FC_CURVE_CLIENT_PUBLIC");
    out->client_secret = getenv("FC_CURVE_CLIENT_SECRET");
}

/* A Z85 CURVE key is 40 characters; anything else is refused before libzmq sees it. */
static int s_curve_key(void *sock, int option, const char *key, const char *name)
{
    if (!key || strlen(key) != 40 || zmq_setsockopt(sock, option, key, 40) != 0) {
        fc_log_error("rpc.bad_curve_key", "key", FC_LS(name), "error",
                     FC_LS("not a 40-character Z85 CURVE key"), NULL);
        return FC_EINVAL;
    }
    return FC_OK;
}

static int s_client_connect(fc_rpc_client_t *self)
{
    if (self->sock)
        zmq_close(self->sock);
    self->sock = zmq_socket(self->ctx, ZMQ_DEALER);
    if (!self->sock)
        return FC_ERR;
    int linger = 0;
    zmq_setsockopt(self->sock, ZMQ_LINGER, &linger, sizeof linger);
    if (self->connect_ms > 0) {
        int one = 1; /* queue only on connections that are up: "down" shows as not writable */
        zmq_setsockopt(self->sock, ZMQ_IMMEDIATE, &one, sizeof one);
    }
    if (self->keys.server_public && *self->keys.server_public) {
        if (s_curve_key(self->sock, ZMQ_CURVE_SERVERKEY, self->keys.server_public,
                        "FC_CURVE_SERVER_PUBLIC") != FC_OK ||
            s_curve_key(self->sock, ZMQ_CURVE_PUBLICKEY, self->keys.client_public,
                        "FC_CURVE_CLIENT_PUBLIC") != FC_OK ||
            s_curve_key(self->sock, ZMQ_CURVE_SECRETKEY, self->keys.client_secret,
                        "FC_CURVE_CLIENT_SECRET") != FC_OK)
            return FC_EINVAL;
    }
    if (zmq_connect(self->sock, self->endpoint) != 0)
        return FC_ERR;
    return FC_OK;
}

static char *s_dup_or(const char *s, const char *def)
{
    return fc_xstrdup(s && *s ? s : def);
}

fc_rpc_client_t *fc_rpc_client_new(void *zmq_ctx, const char *endpoint,
                                   const fc_rpc_client_opts_t *opts)
{
    fc_rpc_client_t *self = fc_xcalloc(1, sizeof *self);
    self->ctx = zmq_ctx;
    if (!self->ctx) {
        self->ctx = zmq_ctx_new();
        self->own_ctx = 1;
    }
    self->endpoint = fc_xstrdup(endpoint);
    self->actor_id = s_dup_or(opts ? opts->actor_id : NULL, "fcctl");
    self->actor_role = s_dup_or(opts ? opts->actor_role : NULL, "service");
    self->org_scope = fc_xstrdup(opts && opts->org_scope ? opts->org_scope : "");
    self->timeout_ms = opts && opts->timeout_ms > 0 ? opts->timeout_ms : 3000;
    self->retries = opts && opts->retries >= 0 ? opts->retries : 2;
    if (!opts)
        self->retries = 2;
    self->connect_ms = opts && opts->connect_ms > 0 ? opts->connect_ms : 0;
    fc_rpc_keys_t env_keys;
    const fc_rpc_keys_t *keys = opts ? opts->keys : NULL;
    if (!keys) {
        fc_rpc_keys_from_env(&env_keys);
        keys = &env_keys;
    }
    if (keys->server_public && *keys->server_public) {
        self->keybuf[0] = fc_xstrdup(keys->server_public);
        self->keybuf[1] = fc_xstrdup(keys->client_public ? keys->client_public : "");
        self->keybuf[2] = fc_xstrdup(keys->client_secret ? keys->client_secret : "");
        self->keys.server_public = self->keybuf[0];
        self->keys.client_public = self->keybuf[1];
        self->keys.client_secret = self->keybuf[2];
    }
    if (s_client_connect(self) != FC_OK) {
        fc_log_error("rpc.connect_failed", "endpoint", FC_LS(endpoint), "error",
                     FC_LS(zmq_strerror(zmq_errno())), NULL);
        fc_rpc_client_destroy(&self);
    }
    return self;
}

void fc_rpc_client_destroy(fc_rpc_client_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    fc_rpc_client_t *self = *self_p;
    if (self->sock)
        zmq_close(self->sock);
    if (self->own_ctx)
        zmq_ctx_term(self->ctx);
    free(self->endpoint);
    free(self->actor_id);
    free(self->actor_role);
    free(self->org_scope);
    for (int i = 0; i < 4; i++)
        free(self->keybuf[i]);
    free(self);
    *self_p = NULL;
}

void fc_rpc_client_set_scope(fc_rpc_client_t *self, const char *actor_id, const char *role,
                             const char *org_scope)
{
    free(self->actor_id);
    free(self->actor_role);
    free(self->org_scope);
    self->actor_id = s_dup_or(actor_id, "fcctl");
    self->actor_role = s_dup_or(role, "service");
    self->org_scope = fc_xstrdup(org_scope ? org_scope : "");
}

uint8_t *fc_rpc_pack_request(const char *type, const char *message_id, const char *actor_id,
                             const char *actor_role, const char *org_scope, int64_t sent_at_us,
                             const uint8_t *payload, size_t payload_len, size_t *len_out)
{
    Fc__V1__Envelope env = FC__V1__ENVELOPE__INIT;
    Fc__V1__Actor actor = FC__V1__ACTOR__INIT;
    actor.id = (char *)actor_id;
    actor.role = (char *)actor_role;
    env.message_id = (char *)message_id;
    env.correlation_id = (char *)message_id;
    env.type = (char *)type;
    env.actor = &actor;
    env.org_scope = (char *)org_scope;
    env.sent_at_us = sent_at_us;
    env.payload.data = (uint8_t *)payload;
    env.payload.len = payload_len;
    return fc_pb_pack(&env.base, len_out);
}

int fc_rpc_call_envelope(fc_rpc_client_t *self, const uint8_t *env, size_t len,
                         const char *expect_correlation, Fc__V1__Envelope **reply_out,
                         fc_err_t *err)
{
    *reply_out = NULL;
    int sent = 0;
    for (int attempt = 0; attempt <= self->retries; attempt++) {
        if (attempt > 0) {
            /* Lazy Pirate: the old socket may hold a dead connection; start afresh */
            fc_log_warn("rpc.retry", "endpoint", FC_LS(self->endpoint), "attempt",
                        FC_LI(attempt + 1), NULL);
            if (s_client_connect(self) != FC_OK)
                break;
        }
        if (self->connect_ms > 0) {
            /* fail fast: writable only once a connection (and its CURVE handshake) is up */
            zmq_pollitem_t out = {self->sock, 0, ZMQ_POLLOUT, 0};
            if (zmq_poll(&out, 1, self->connect_ms) <= 0)
                continue;
        }
        int flags = self->connect_ms > 0 ? ZMQ_DONTWAIT : 0;
        if (zmq_send(self->sock, "", 0, ZMQ_SNDMORE | flags) < 0 ||
            zmq_send(self->sock, env, len, flags) < 0)
            continue;
        sent = 1;
        int64_t deadline = fc_clock_mono_ms() + self->timeout_ms;
        for (;;) {
            int64_t left = deadline - fc_clock_mono_ms();
            if (left <= 0)
                break;
            zmq_pollitem_t item = {self->sock, 0, ZMQ_POLLIN, 0};
            int n = zmq_poll(&item, 1, (long)left);
            if (n < 0 && zmq_errno() == EINTR)
                continue;
            if (n <= 0)
                break;
            zmq_msg_t delim, body;
            zmq_msg_init(&delim);
            zmq_msg_init(&body);
            Fc__V1__Envelope *reply = NULL;
            if (zmq_msg_recv(&delim, self->sock, 0) >= 0 && zmq_msg_more(&delim) &&
                zmq_msg_recv(&body, self->sock, 0) >= 0)
                reply = fc__v1__envelope__unpack(NULL, zmq_msg_size(&body),
                                                 zmq_msg_data(&body));
            zmq_msg_close(&delim);
            zmq_msg_close(&body);
            if (!reply)
                continue;
            /* a late answer to an earlier request on this socket: not ours */
            if (expect_correlation &&
                strcmp(reply->correlation_id ? reply->correlation_id : "", expect_correlation)) {
                fc__v1__envelope__free_unpacked(reply, NULL);
                continue;
            }
            *reply_out = reply;
            return FC_OK;
        }
    }
    if (!sent && self->connect_ms > 0)
        return fc_err_set(err, FC_EUNAVAIL, "endpoint",
                          "no connection to \"%s\" within %d ms after %d attempts",
                          self->endpoint, self->connect_ms, self->retries + 1);
    return fc_err_set(err, FC_ETIMEOUT, "endpoint", "no answer from \"%s\" after %d attempts of %d ms",
                      self->endpoint, self->retries + 1, self->timeout_ms);
}

int fc_rpc_call(fc_rpc_client_t *self, const char *type, const ProtobufCMessage *req,
                const ProtobufCMessageDescriptor *reply_desc, ProtobufCMessage **reply_out,
                const char *message_id, fc_err_t *err)
{
    *reply_out = NULL;
    char id[FC_ID_LEN + 1];
    if (!message_id) {
        fc_id_new(id);
        message_id = id;
    }
    size_t plen = 0, elen = 0;
    uint8_t *payload = req ? fc_pb_pack(req, &plen) : NULL;
    uint8_t *env = fc_rpc_pack_request(type, message_id, self->actor_id, self->actor_role,
                                       self->org_scope, fc_clock_now_us(), payload, plen, &elen);
    free(payload);
    Fc__V1__Envelope *reply = NULL;
    int rc = fc_rpc_call_envelope(self, env, elen, message_id, &reply, err);
    free(env);
    if (rc != FC_OK)
        return rc;
    if (reply->error) {
        rc = fc_err_set(err, reply->error->code ? reply->error->code : FC_ERR,
                        reply->error->field, "%s", reply->error->message);
        goto out;
    }
    if (reply_desc) {
        *reply_out = protobuf_c_message_unpack(reply_desc, NULL, reply->payload.len,
                                               reply->payload.data);
        if (!*reply_out) {
            rc = fc_err_set(err, FC_ERR, "payload", "could not decode the reply as %s",
                            reply_desc->name);
            goto out;
        }
    }
    rc = FC_OK;
out:
    fc__v1__envelope__free_unpacked(reply, NULL);
    return rc;
}

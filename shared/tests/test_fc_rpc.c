/* Unit tests for fc_rpc over real ZeroMQ sockets on loopback: round trip, error replies,
 * malformed and oversized envelopes, Lazy-Pirate retries with the same message id, and a
 * timeout when nobody answers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "fc/v1/common.pb-c.h"
#include "fc_log.h"
#include "fc_pb.h"
#include "fc_rpc.h"

#define EP "tcp://127.0.0.1:5699"

typedef struct {
    void *ctx;
    fc_rpc_server_t *srv;
    volatile int stop;
    int dropped_first; /* "flaky": the first request of each id goes unanswered */
    char flaky_ids[16][FC_ID_LEN + 1];
    int nflaky;
    int flaky_effects;
} s_server_t;

static void *s_serve(void *arg)
{
    s_server_t *s = arg;
    while (!s->stop) {
        zmq_pollitem_t it = {fc_rpc_server_socket(s->srv), 0, ZMQ_POLLIN, 0};
        if (zmq_poll(&it, 1, 20) <= 0)
            continue;
        fc_rpc_request_t req;
        fc_err_t err;
        fc_err_clear(&err);
        int rc = fc_rpc_server_recv(s->srv, &req, &err);
        if (rc == FC_ENOTFOUND)
            continue;
        if (rc != FC_OK) {
            fc_rpc_server_reply_error(s->srv, &req, &err);
        } else if (strcmp(req.env->type, "echo") == 0) {
            fc_rpc_server_reply_bytes(s->srv, &req, "fc.v1.HealthReply", req.env->payload.data,
                                      req.env->payload.len);
        } else if (strcmp(req.env->type, "flaky") == 0) {
            int seen = 0;
            for (int i = 0; i < s->nflaky; i++)
                seen |= strcmp(s->flaky_ids[i], req.env->message_id) == 0;
            if (!seen && s->nflaky < 16) {
                /* "apply" once, then lose the reply, as a crash after commit would */
                strcpy(s->flaky_ids[s->nflaky++], req.env->message_id);
                s->flaky_effects++;
            } else {
                fc_rpc_server_reply_bytes(s->srv, &req, "", NULL, 0);
            }
        } else {
            fc_err_set(&err, FC_EINVAL, "type", "unknown message type \"%s\"", req.env->type);
            fc_rpc_server_reply_error(s->srv, &req, &err);
        }
        fc_rpc_request_fini(&req);
    }
    return NULL;
}

static int s_setup(void **state)
{
    s_server_t *s = calloc(1, sizeof *s);
    s->ctx = zmq_ctx_new();
    fc_err_t err;
    s->srv = fc_rpc_server_new(s->ctx, EP, NULL, &err);
    assert_non_null(s->srv);
    pthread_t t;
    pthread_create(&t, NULL, s_serve, s);
    pthread_detach(t);
    *state = s;
    return 0;
}

static int s_teardown(void **state)
{
    s_server_t *s = *state;
    s->stop = 1;
    struct timespec ts = {0, 100 * 1000000L};
    nanosleep(&ts, NULL);
    fc_rpc_server_destroy(&s->srv);
    zmq_ctx_term(s->ctx);
    free(s);
    return 0;
}

static void test_round_trip(void **state)
{
    (void)state;
    fc_rpc_client_t *c = fc_rpc_client_new(NULL, EP, NULL);
    Fc__V1__HealthReply h = FC__V1__HEALTH_REPLY__INIT;
    h.service = "测试";
    h.uptime_s = 42;
    ProtobufCMessage *reply = NULL;
    fc_err_t err;
    assert_int_equal(fc_rpc_call(c, "echo", &h.base, &fc__v1__health_reply__descriptor, &reply,
                                 NULL, &err),
                     FC_OK);
    Fc__V1__HealthReply *r = (Fc__V1__HealthReply *)reply;
    assert_string_equal(r->service, "测试");
    assert_int_equal(r->uptime_s, 42);
    protobuf_c_message_free_unpacked(reply, NULL);
    /* an error reply carries code, field and message */
    fc_err_clear(&err);
    assert_int_equal(fc_rpc_call(c, "nope", &h.base, NULL, &reply, NULL, &err), FC_EINVAL);
    assert_string_equal(err.field, "type");
    assert_non_null(strstr(err.message, "nope"));
    fc_rpc_client_destroy(&c);
}

static void test_bad_envelopes(void **state)
{
    (void)state;
    fc_rpc_client_t *c = fc_rpc_client_new(NULL, EP, NULL);
    fc_err_t err;
    Fc__V1__Envelope *reply = NULL;
    /* not protobuf at all */
    uint8_t junk[] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x02};
    assert_int_equal(fc_rpc_call_envelope(c, junk, sizeof junk, NULL, &reply, &err), FC_OK);
    assert_non_null(reply->error);
    assert_int_equal(reply->error->code, FC_EINVAL);
    assert_string_equal(reply->error->field, "envelope");
    fc__v1__envelope__free_unpacked(reply, NULL);
    /* over the 1 MiB limit */
    size_t big = FC_PB_MAX_MESSAGE + 10;
    uint8_t *payload = calloc(1, big);
    size_t len;
    uint8_t *env = fc_rpc_pack_request("echo", "01ARZ3NDEKTSV4RRFFQ69G5FAV", "t", "service", "",
                                       0, payload, big, &len);
    assert_int_equal(fc_rpc_call_envelope(c, env, len, NULL, &reply, &err), FC_OK);
    assert_int_equal(reply->error->code, FC_ETOOBIG);
    fc__v1__envelope__free_unpacked(reply, NULL);
    free(env);
    free(payload);
    /* no type, no message id */
    env = fc_rpc_pack_request("", "01ARZ3NDEKTSV4RRFFQ69G5FAV", "t", "service", "", 0, NULL, 0,
                              &len);
    assert_int_equal(fc_rpc_call_envelope(c, env, len, NULL, &reply, &err), FC_OK);
    assert_string_equal(reply->error->field, "type");
    fc__v1__envelope__free_unpacked(reply, NULL);
    free(env);
    env = fc_rpc_pack_request("echo", "", "t", "service", "", 0, NULL, 0, &len);
    assert_int_equal(fc_rpc_call_envelope(c, env, len, NULL, &reply, &err), FC_OK);
    assert_string_equal(reply->error->field, "message_id");
    fc__v1__envelope__free_unpacked(reply, NULL);
    free(env);
    /* bad UTF-8 in the envelope's own strings */
    env = fc_rpc_pack_request("echo", "01ARZ3NDEKTSV4RRFFQ69G5FAV", "\xC3\x28", "service", "", 0,
                              NULL, 0, &len);
    assert_int_equal(fc_rpc_call_envelope(c, env, len, NULL, &reply, &err), FC_OK);
    assert_string_equal(reply->error->field, "envelope.actor.id");
    fc__v1__envelope__free_unpacked(reply, NULL);
    free(env);
    fc_rpc_client_destroy(&c);
    /* the server still serves */
    c = fc_rpc_client_new(NULL, EP, NULL);
    ProtobufCMessage *r = NULL;
    Fc__V1__HealthReply h = FC__V1__HEALTH_REPLY__INIT;
    assert_int_equal(fc_rpc_call(c, "echo", &h.base, &fc__v1__health_reply__descriptor, &r, NULL,
                                 &err),
                     FC_OK);
    protobuf_c_message_free_unpacked(r, NULL);
    fc_rpc_client_destroy(&c);
}

static void test_retry_same_id(void **state)
{
    s_server_t *s = *state;
    fc_rpc_client_opts_t o = {.timeout_ms = 200, .retries = 3};
    fc_rpc_client_t *c = fc_rpc_client_new(NULL, EP, &o);
    ProtobufCMessage *reply = NULL;
    fc_err_t err;
    int before = s->flaky_effects;
    /* the first attempt gets no answer; the retry carries the same id and is answered */
    assert_int_equal(fc_rpc_call(c, "flaky", NULL, NULL, &reply, NULL, &err), FC_OK);
    assert_int_equal(s->flaky_effects - before, 1);
    fc_rpc_client_destroy(&c);
}

static void test_timeout(void **state)
{
    (void)state;
    fc_rpc_client_opts_t o = {.timeout_ms = 100, .retries = 1};
    fc_rpc_client_t *c = fc_rpc_client_new(NULL, "tcp://127.0.0.1:5698", &o);
    ProtobufCMessage *reply = NULL;
    fc_err_t err;
    fc_err_clear(&err);
    assert_int_equal(fc_rpc_call(c, "echo", NULL, NULL, &reply, NULL, &err), FC_ETIMEOUT);
    assert_non_null(strstr(err.message, "after 2 attempts"));
    fc_rpc_client_destroy(&c);
}

int main(void)
{
    fc_log_init("test_fc_rpc", FC_LOG_ERROR);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_bad_envelopes),
        cmocka_unit_test(test_retry_same_id),
        cmocka_unit_test(test_timeout),
    };
    return cmocka_run_group_tests(tests, s_setup, s_teardown);
}

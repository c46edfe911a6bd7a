/* ZeroMQ CURVE between the services, over real processes: with keys configured a service admits
 * only the client keys on its allowed list (its ZAP handler refuses an unknown key, a client
 * without CURVE and a client that expects another server), picks up a changed list without a
 * restart, refuses to start with CURVE but no list, and a sniffer relaying the TCP bytes sees
 * only ciphertext (while it does see the plaintext of an unencrypted socket: the relay works).
 * The gateway runs its whole path (HTTP → gateway → intake, fcctl → gateway) over CURVE. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zmq.h>

#include "fc/v1/intake.pb-c.h"
#include "fc_endpoints.h"
#include "fc_harness.h"
#include "fc_health.h"
#include "fc_log.h"
#include "fc_mem.h"
#include "fc_rpc.h"
#include "gw_test.h"

#define MARKER "SECRET-MARKER-明文标记-4711"

typedef struct {
    char pub[41], sec[41];
} s_pair_t;

static s_pair_t s_server, s_fcctl, s_gw, s_stranger;
static char s_allowed[512];
static pid_t s_intake;
static pid_t s_extra; /* a gateway of one test: stopped in teardown if a test failed */

static void s_keypair(s_pair_t *p)
{
    assert_int_equal(zmq_curve_keypair(p->pub, p->sec), 0);
}

static void s_write_allowed(int with_stranger)
{
    FILE *f = fopen(s_allowed, "w");
    assert_non_null(f);
    fprintf(f, "# clients admitted by the services\n%s fcctl\n%s gateway\n", s_fcctl.pub, s_gw.pub);
    if (with_stranger)
        fprintf(f, "%s stranger\n", s_stranger.pub);
    fclose(f);
}

static int s_port(int k)
{
    return atoi(getenv("FC_TEST_PORT_BASE")) + k;
}

static char *s_env(const char *name, const char *value)
{
    return fc_xasprintf("%s=%s", name, value);
}

static int s_setup(void **state)
{
    (void)state;
    fc_h_init("test_gateway_curve");
    fc_h_reset();
    s_keypair(&s_server);
    s_keypair(&s_fcctl);
    s_keypair(&s_gw);
    s_keypair(&s_stranger);
    snprintf(s_allowed, sizeof s_allowed, "%s/test_gateway_curve-allowed.txt",
             getenv("FC_TEST_LOG_DIR"));
    s_write_allowed(0);
    /* this process (and the fcctl it runs) is the "fcctl" client */
    setenv("FC_CURVE_SERVER_PUBLIC", s_server.pub, 1);
    setenv("FC_CURVE_CLIENT_PUBLIC", s_fcctl.pub, 1);
    setenv("FC_CURVE_CLIENT_SECRET", s_fcctl.sec, 1);
    char *secret = s_env("FC_CURVE_SERVER_SECRET", s_server.sec);
    char *allowed = s_env("FC_CURVE_ALLOWED_CLIENTS", s_allowed);
    const char *env[] = {secret, allowed, NULL};
    s_intake = fc_h_up("intake", env); /* healthy = answered over CURVE */
    free(allowed);                     /* the child has its own copy */
    free(secret);
    return 0;
}

static int s_teardown(void **state)
{
    (void)state;
    if (s_extra)
        fc_h_stop(s_extra, SIGKILL, fc_h_ms(10000));
    int st = fc_h_stop(s_intake, SIGTERM, fc_h_ms(10000));
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    return 0;
}

/* Health of intake with these client keys (NULL: plain TCP); the FC_* code. */
static int s_health_as(const s_pair_t *client, const char *server_pub)
{
    fc_rpc_keys_t keys = {server_pub, NULL, client ? client->pub : NULL,
                          client ? client->sec : NULL};
    fc_rpc_keys_t plain = {"", NULL, NULL, NULL};
    fc_rpc_client_opts_t o = {NULL,         NULL, NULL, fc_h_ms(1000), 0, client ? &keys : &plain,
                              fc_h_ms(1000)};
    fc_rpc_client_t *c = fc_rpc_client_new(NULL, fc_endpoint_of("intake"), &o);
    assert_non_null(c);
    Fc__V1__HealthRequest req = FC__V1__HEALTH_REQUEST__INIT;
    ProtobufCMessage *reply = NULL;
    fc_err_t err;
    fc_err_clear(&err);
    int rc = fc_rpc_call(c, "fc.health", &req.base, &fc__v1__health_reply__descriptor, &reply, NULL,
                         &err);
    if (reply)
        protobuf_c_message_free_unpacked(reply, NULL);
    fc_rpc_client_destroy(&c);
    return rc;
}

static int s_log_count(const char *needle)
{
    char *cmd = fc_xasprintf("grep -c '%s' %s/test_gateway_curve-intake.log", needle,
                             getenv("FC_TEST_LOG_DIR"));
    FILE *p = popen(cmd, "r");
    int n = 0;
    if (p && fscanf(p, "%d", &n) != 1)
        n = 0;
    if (p)
        pclose(p);
    free(cmd);
    return n;
}

static void test_only_known_keys(void **state)
{
    (void)state;
    assert_int_equal(s_health_as(&s_fcctl, s_server.pub), FC_OK);
    assert_int_equal(s_health_as(&s_gw, s_server.pub), FC_OK);
    int refused = s_log_count("zap.refused");
    /* an unknown key: the handshake is refused, nothing is ever delivered */
    assert_int_equal(s_health_as(&s_stranger, s_server.pub), FC_EUNAVAIL);
    assert_true(s_log_count("zap.refused") > refused);
    /* no CURVE at all, or CURVE towards another server key */
    assert_int_equal(s_health_as(NULL, NULL), FC_EUNAVAIL);
    assert_int_equal(s_health_as(&s_fcctl, s_stranger.pub), FC_EUNAVAIL);
    /* fcctl takes its keys from the environment */
    assert_int_equal(fc_h_fcctl(NULL, "org add G --name 集团 --kind group >/dev/null"), 0);
    assert_int_equal(fc_h_fcctl(NULL, "--timeout 500 health --service intake >/dev/null"), 0);
    /* the list is read again when it changes: the stranger is let in, then out again */
    fc_h_sleep_ms(20);
    s_write_allowed(1);
    assert_int_equal(s_health_as(&s_stranger, s_server.pub), FC_OK);
    fc_h_sleep_ms(20);
    s_write_allowed(0);
    assert_int_equal(s_health_as(&s_stranger, s_server.pub), FC_EUNAVAIL);
    assert_int_equal(s_health_as(&s_fcctl, s_server.pub), FC_OK);
}

static void test_refuses_to_start_open(void **state)
{
    (void)state;
    char listen[80];
    snprintf(listen, sizeof listen, "FC_LISTEN=tcp://127.0.0.1:%d", s_port(10));
    char *secret = s_env("FC_CURVE_SERVER_SECRET", s_server.sec);
    /* CURVE without a list would let anyone in: no start */
    const char *env1[] = {secret, listen, "FC_CURVE_ALLOWED_CLIENTS=", NULL};
    pid_t p = fc_h_start("intake", env1);
    int st = fc_h_wait_exit(p, fc_h_ms(20000));
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) != 0);
    /* a malformed list: no start, naming the line */
    char bad[600];
    snprintf(bad, sizeof bad, "%s.bad", s_allowed);
    FILE *f = fopen(bad, "w");
    fprintf(f, "%s fcctl\nnot-a-key\n", s_fcctl.pub);
    fclose(f);
    char *allowed = s_env("FC_CURVE_ALLOWED_CLIENTS", bad);
    const char *env2[] = {secret, listen, allowed, NULL};
    p = fc_h_start("intake", env2);
    st = fc_h_wait_exit(p, fc_h_ms(20000));
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) != 0);
    assert_true(s_log_count(".bad:2: expected a 40-character Z85 public key") >= 1);
    free(allowed);
    free(secret);
    /* the running intake is untouched */
    assert_int_equal(s_health_as(&s_fcctl, s_server.pub), FC_OK);
}

/* ---- a sniffer: a TCP relay that keeps every byte it forwards ------------------------------- */

typedef struct {
    int listen_fd;
    int upstream_port;
    atomic_int stop;
    pthread_mutex_t lock;
    fc_buf_t seen;
    pthread_t thread;
} s_relay_t;

static void s_relay_pipe(s_relay_t *r, int client)
{
    int up = gw_connect(r->upstream_port);
    if (up < 0) {
        close(client);
        return;
    }
    struct pollfd p[2] = {{client, POLLIN, 0}, {up, POLLIN, 0}};
    char buf[65536];
    while (!atomic_load(&r->stop)) {
        if (poll(p, 2, 50) <= 0)
            continue;
        int done = 0;
        for (int i = 0; i < 2; i++) {
            if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            ssize_t n = recv(p[i].fd, buf, sizeof buf, 0);
            if (n <= 0) {
                done = 1;
                break;
            }
            pthread_mutex_lock(&r->lock);
            fc_buf_append(&r->seen, buf, (size_t)n);
            pthread_mutex_unlock(&r->lock);
            send(p[1 - i].fd, buf, (size_t)n, MSG_NOSIGNAL);
        }
        if (done)
            break;
    }
    close(up);
    close(client);
}

static void *s_relay_run(void *arg)
{
    s_relay_t *r = arg;
    while (!atomic_load(&r->stop)) {
        struct pollfd p = {r->listen_fd, POLLIN, 0};
        if (poll(&p, 1, 50) <= 0)
            continue;
        int c = accept(r->listen_fd, NULL, NULL);
        if (c >= 0)
            s_relay_pipe(r, c); /* one connection at a time is all the test needs */
    }
    return NULL;
}

static void s_relay_start(s_relay_t *r, int port, int upstream_port)
{
    memset(r, 0, sizeof *r);
    pthread_mutex_init(&r->lock, NULL);
    fc_buf_init(&r->seen);
    r->upstream_port = upstream_port;
    r->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(r->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    assert_int_equal(bind(r->listen_fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(r->listen_fd, 4), 0);
    pthread_create(&r->thread, NULL, s_relay_run, r);
}

/* Stops the relay; 1 if needle was in what passed through. */
static int s_relay_stop(s_relay_t *r, const char *needle)
{
    atomic_store(&r->stop, 1);
    pthread_join(r->thread, NULL);
    close(r->listen_fd);
    int found = r->seen.len && memmem(r->seen.data, r->seen.len, needle, strlen(needle)) != NULL;
    assert_true(r->seen.len > 0); /* traffic did pass */
    fc_buf_fini(&r->seen);
    pthread_mutex_destroy(&r->lock);
    return found;
}

/* Registers a person named MARKER through endpoint with keys (NULL = plain). */
static int s_send_marker(const char *endpoint, const fc_rpc_keys_t *keys)
{
    fc_rpc_keys_t plain = {"", NULL, NULL, NULL};
    fc_rpc_client_opts_t o = {NULL,         NULL, NULL, fc_h_ms(2000), 0, keys ? keys : &plain,
                              fc_h_ms(2000)};
    fc_rpc_client_t *c = fc_rpc_client_new(NULL, endpoint, &o);
    Fc__V1__Person p = FC__V1__PERSON__INIT;
    p.employee_no = "E4711";
    p.name = MARKER;
    p.org_code = "G";
    p.fit_for_frontline = 1;
    Fc__V1__Person *people[] = {&p};
    Fc__V1__PersonUpsertRequest req = FC__V1__PERSON_UPSERT_REQUEST__INIT;
    req.people = people;
    req.n_people = 1;
    ProtobufCMessage *reply = NULL;
    fc_err_t err;
    int rc = fc_rpc_call(c, "intake.person_upsert", &req.base,
                         &fc__v1__person_upsert_reply__descriptor, &reply, NULL, &err);
    if (reply)
        protobuf_c_message_free_unpacked(reply, NULL);
    fc_rpc_client_destroy(&c);
    return rc;
}

static void *s_plain_echo(void *arg)
{
    fc_rpc_server_t *srv = arg;
    for (int i = 0; i < 100; i++) {
        zmq_pollitem_t it = {fc_rpc_server_socket(srv), 0, ZMQ_POLLIN, 0};
        if (zmq_poll(&it, 1, 50) <= 0)
            continue;
        fc_rpc_request_t req;
        fc_err_t err;
        if (fc_rpc_server_recv(srv, &req, &err) != FC_OK)
            continue;
        fc_rpc_server_reply_bytes(srv, &req, "echo", req.env->payload.data, req.env->payload.len);
        fc_rpc_request_fini(&req);
        break;
    }
    return NULL;
}

static void test_sniffer_sees_only_ciphertext(void **state)
{
    (void)state;
    /* control: through the relay to an unencrypted server the marker is plainly visible */
    void *ctx = zmq_ctx_new();
    char ep[64];
    snprintf(ep, sizeof ep, "tcp://127.0.0.1:%d", s_port(11));
    fc_err_t err;
    fc_rpc_server_t *plain = fc_rpc_server_new(ctx, ep, NULL, &err);
    assert_non_null(plain);
    pthread_t t;
    pthread_create(&t, NULL, s_plain_echo, plain);
    s_relay_t relay;
    s_relay_start(&relay, s_port(12), s_port(11));
    char via[64];
    snprintf(via, sizeof via, "tcp://127.0.0.1:%d", s_port(12));
    s_send_marker(via, NULL);
    pthread_join(t, NULL);
    assert_true(s_relay_stop(&relay, MARKER));
    fc_rpc_server_destroy(&plain);
    zmq_ctx_term(ctx);
    /* CURVE: the same request to intake through the relay works, and shows no plaintext:
     * neither the marker, nor the message type, nor the reply's */
    const char *intake_ep = fc_endpoint_of("intake");
    int intake_port = atoi(strrchr(intake_ep, ':') + 1);
    s_relay_start(&relay, s_port(13), intake_port);
    snprintf(via, sizeof via, "tcp://127.0.0.1:%d", s_port(13));
    fc_rpc_keys_t keys = {s_server.pub, NULL, s_fcctl.pub, s_fcctl.sec};
    assert_int_equal(s_send_marker(via, &keys), FC_OK);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM intake.person WHERE name = '" MARKER "'"),
                     1);
    pthread_mutex_lock(&relay.lock);
    int seen_type = relay.seen.len &&
                    memmem(relay.seen.data, relay.seen.len, "intake.person_upsert", 20) != NULL;
    int seen_reply =
        relay.seen.len && memmem(relay.seen.data, relay.seen.len, "PersonUpsertReply", 17) != NULL;
    pthread_mutex_unlock(&relay.lock);
    assert_false(seen_type);
    assert_false(seen_reply);
    assert_false(s_relay_stop(&relay, MARKER));
}

static void test_gateway_over_curve(void **state)
{
    (void)state;
    /* the gateway serves CURVE itself and is a CURVE client of intake with its own key */
    char *secret = s_env("FC_CURVE_SERVER_SECRET", s_server.sec);
    char *allowed = s_env("FC_CURVE_ALLOWED_CLIENTS", s_allowed);
    char *cpub = s_env("FC_CURVE_CLIENT_PUBLIC", s_gw.pub);
    char *csec = s_env("FC_CURVE_CLIENT_SECRET", s_gw.sec);
    const char *env[] = {secret, allowed, cpub, csec, NULL};
    pid_t gw = s_extra = fc_h_up("gateway", env);
    char *tok = gw_token("group_admin", "G", NULL); /* fcctl → gateway over CURVE */
    gw_resp_t r;
    gw_http(&r, 0, "GET", "/api/v1/intake/person_get?employee_no=E4711", tok, NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, MARKER));
    gw_resp_fini(&r);
    free(tok);
    int st = fc_h_stop(gw, SIGTERM, fc_h_ms(10000));
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    /* the gateway's key withdrawn from the list: its calls to intake are refused (503) */
    free(csec);
    free(cpub);
    cpub = s_env("FC_CURVE_CLIENT_PUBLIC", s_stranger.pub);
    csec = s_env("FC_CURVE_CLIENT_SECRET", s_stranger.sec);
    const char *env2[] = {secret, allowed, cpub, csec, NULL};
    gw = s_extra = fc_h_start("gateway", env2);
    assert_int_equal(gw_wait_http(0, fc_h_ms(10000)), 0);
    /* its own token store is local: a token made through fcctl still works at the door */
    tok = gw_token("group_admin", "G", NULL);
    gw_http(&r, 0, "GET", "/api/v1/intake/person_get?employee_no=E4711", tok, NULL, NULL);
    assert_int_equal(r.status, 503);
    gw_resp_fini(&r);
    free(tok);
    st = fc_h_stop(gw, SIGTERM, fc_h_ms(10000));
    s_extra = 0;
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    free(csec);
    free(cpub);
    free(allowed);
    free(secret);
}

int main(void)
{
    fc_log_init("test_gateway_curve", FC_LOG_ERROR);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_only_known_keys),
        cmocka_unit_test(test_refuses_to_start_open),
        cmocka_unit_test(test_sniffer_sees_only_ciphertext),
        cmocka_unit_test(test_gateway_over_curve),
    };
    return cmocka_run_group_tests(tests, s_setup, s_teardown);
}

/* fc_service: the service main loop shared by every fc-* daemon. */
#include "fc_service.h"
#include "fc/v1/common.pb-c.h"
#include "fc_clock.h"
#include "fc_endpoints.h"
#include "fc_fault.h"
#include "fc_log.h"
#include "fc_migrate.h"
#include "fc_outbox.h"
#include "fc_pb.h"
#include "fc_rpc.h"
#include "fc_zap.h"

#include <signal.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#define FC_REQUESTS_PER_TURN 64
#define FC_RELAY_BATCH 500
#define FC_IDLE_POLL_MS 20

static const fc_cfg_def_t s_common_config[] = {
    {"FC_PG_URL", FC_CFG_STR, "postgresql://127.0.0.1:25432/frontline", 0, 0,
     "PostgreSQL URL or conninfo"},
    {"FC_PG_USER", FC_CFG_STR, "", 0, 0, "database role; default fc_<service>"},
    {"FC_PG_PASSWORD", FC_CFG_STR, "", 0, 0, "database password (none on the local cluster)"},
    {"FC_REDIS_URL", FC_CFG_STR, "redis://127.0.0.1:24379", 0, 0, "Redis URL"},
    {"FC_LISTEN", FC_CFG_STR, "", 0, 0, "ZeroMQ bind endpoint; default the service's endpoint"},
    {"FC_LOG_LEVEL", FC_CFG_STR, "info", 0, 0, "debug, info, warn or error"},
    {"FC_CLOCK", FC_CFG_STR, "real", 0, 0, "real, fixed:TIME, accel:START,FACTOR,ANCHOR, file:PATH"},
    {"FC_MIGRATIONS_DIR", FC_CFG_STR, FC_SOURCE_DIR "/infra/migrations", 0, 0,
     "directory of <service>/NNNN_*.sql"},
    {"FC_CONNECT_WAIT_S", FC_CFG_INT, "30", 0, 3600, "keep retrying the database this long"},
    {"FC_CLAIM_IDLE_MS", FC_CFG_INT, "30000", 100, 86400000,
     "take over events a dead consumer held this long"},
    {"FC_MAX_DELIVERIES", FC_CFG_INT, "10", 1, 1000, "dead-letter an event after this many"},
    {"FC_CONSUMER_NAME", FC_CFG_STR, "", 0, 0, "consumer name; default <service>@<host>:<pid>"},
    {"FC_POLICY_DIR", FC_CFG_STR, FC_SOURCE_DIR "/infra/policy", 0, 0,
     "directory of the group's policy files (<service>.json)"},
    {"FC_CURVE_SERVER_SECRET", FC_CFG_STR, "", 0, 0, "Z85 CURVE secret key; empty = plain TCP"},
    {"FC_CURVE_ALLOWED_CLIENTS", FC_CFG_STR, "", 0, 0,
     "file of client public keys admitted when CURVE is on (required then)"},
};

struct fc_service {
    const fc_service_def_t *def;
    fc_config_t *config;
    void *zmq;
    fc_pg_t *pg;
    fc_redis_t *redis;
    fc_rpc_server_t *server;
    fc_zap_t *zap;
    fc_outbox_relay_t *relay;
    fc_consumer_t **consumers;
    fc_arena_t *arena;
    void *app;
    char stream[96];
    int64_t started_mono_ms;
    long long requests, published;
    int relay_due;
    int64_t next_relay_ms;
};

static volatile sig_atomic_t s_stop;

static void on_signal(int sig)
{
    (void)sig;
    s_stop = 1;
}

fc_pg_t *fc_service_pg(fc_service_t *svc) { return svc->pg; }
fc_redis_t *fc_service_redis(fc_service_t *svc) { return svc->redis; }
const fc_config_t *fc_service_config(fc_service_t *svc) { return svc->config; }
const char *fc_service_name(const fc_service_t *svc) { return svc->def->name; }
void *fc_service_app(fc_service_t *svc) { return svc->app; }
void fc_service_set_app(fc_service_t *svc, void *app) { svc->app = app; }
void *fc_service_zmq(fc_service_t *svc) { return svc->zmq; }

const char *fc_call_scope(const fc_call_t *call)
{
    return call->env->org_scope ? call->env->org_scope : "";
}

const char *fc_call_actor(const fc_call_t *call)
{
    return call->env->actor && call->env->actor->id ? call->env->actor->id : "";
}

const char *fc_call_role(const fc_call_t *call)
{
    return call->env->actor && call->env->actor->role ? call->env->actor->role : "";
}

int fc_service_publish(fc_service_t *svc, const char *type, const ProtobufCMessage *event,
                       int64_t at_us, fc_err_t *err)
{
    int rc = fc_outbox_add(svc->pg, svc->stream, type, event, at_us, NULL, err);
    if (rc == FC_OK) {
        svc->published++;
        svc->relay_due = 1;
    }
    return rc;
}

/* ---- requests ------------------------------------------------------------------ */

static int handle_health(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    (void)err;
    Fc__V1__HealthReply *r = fc_arena_alloc(call->arena, sizeof *r);
    fc__v1__health_reply__init(r);
    r->service = (char *)svc->def->name;
    r->version = FC_VERSION;
    r->uptime_s = (fc_clock_mono_ms() - svc->started_mono_ms) / 1000;
    r->db_ok = fc_pg_ping(svc->pg);
    r->redis_ok = fc_redis_ping(svc->redis);
    r->requests = svc->requests;
    r->events_published = svc->published;
    r->now_us = fc_clock_now_us();
    size_t nq = 1 + svc->def->nsubs;
    r->queues = fc_arena_alloc(call->arena, nq * sizeof *r->queues);
    Fc__V1__QueueDepth *q = fc_arena_alloc(call->arena, nq * sizeof *q);
    fc__v1__queue_depth__init(&q[0]);
    q[0].name = "outbox";
    q[0].depth = r->db_ok ? fc_outbox_pending(svc->pg, NULL) : -1;
    r->queues[0] = &q[0];
    for (size_t i = 0; i < svc->def->nsubs; i++) {
        fc__v1__queue_depth__init(&q[1 + i]);
        q[1 + i].name = (char *)fc_consumer_stream(svc->consumers[i]);
        q[1 + i].depth = fc_consumer_pending(svc->consumers[i]);
        r->events_consumed += fc_consumer_applied(svc->consumers[i]);
        r->queues[1 + i] = &q[1 + i];
    }
    r->n_queues = nq;
    call->reply = &r->base;
    return FC_OK;
}

static const fc_route_t s_health_route = {"fc.health", &fc__v1__health_request__descriptor,
                                          handle_health, 0};

static const fc_route_t *s_find_route(const fc_service_t *svc, const char *type)
{
    if (strcmp(type, s_health_route.type) == 0)
        return &s_health_route;
    for (size_t i = 0; i < svc->def->nroutes; i++)
        if (strcmp(svc->def->routes[i].type, type) == 0)
            return &svc->def->routes[i];
    return NULL;
}

/* A stored reply for this message id: answered again without a second effect. */
static int s_replay(fc_service_t *svc, const fc_rpc_request_t *req, int *replayed,
                    fc_err_t *err)
{
    const char *p[] = {req->env->message_id};
    PGresult *r = fc_pg_execb(svc->pg, "SELECT type, payload FROM rpc_replies WHERE message_id = $1",
                              1, p, NULL, NULL, err);
    if (!r)
        return err ? err->code : FC_ERR;
    *replayed = 0;
    if (PQntuples(r) == 1) {
        size_t len = 0;
        unsigned char *payload =
            PQunescapeBytea((const unsigned char *)PQgetvalue(r, 0, 1), &len);
        fc_rpc_server_reply_bytes(svc->server, req, PQgetvalue(r, 0, 0), payload, len);
        PQfreemem(payload);
        *replayed = 1;
        fc_log_info("rpc.replayed", "type", FC_LS(req->env->type), NULL);
    }
    PQclear(r);
    return FC_OK;
}

/* Runs a write route in one transaction with its stored reply; replies. */
static int s_run_write(fc_service_t *svc, const fc_route_t *route, const fc_rpc_request_t *req,
                       fc_call_t *call, fc_err_t *err)
{
    int replayed = 0, rc;
    uint8_t *payload = NULL;
    size_t len = 0;
    if ((rc = fc_pg_begin(svc->pg, err)) != FC_OK)
        goto out;
    if ((rc = s_replay(svc, req, &replayed, err)) != FC_OK || replayed)
        goto out;
    if ((rc = route->handle(svc, call, err)) != FC_OK)
        goto out;
    const char *type = call->reply ? call->reply->descriptor->name : "";
    payload = call->reply ? fc_pb_pack(call->reply, &len) : NULL;
    const char *p[] = {req->env->message_id, type, (const char *)payload};
    int lengths[] = {0, 0, (int)len};
    int formats[] = {0, 0, 1};
    PGresult *r = fc_pg_execb(svc->pg,
                              "INSERT INTO rpc_replies (message_id, type, payload)"
                              " VALUES ($1, $2, $3)",
                              3, p, lengths, formats, err);
    if (!r) {
        rc = err ? err->code : FC_ERR;
        goto out;
    }
    PQclear(r);
    fc_fault_point("rpc.before_commit");
    if ((rc = fc_pg_commit(svc->pg, err)) != FC_OK)
        goto out;
    fc_fault_point("outbox.after_commit");
    fc_rpc_server_reply_bytes(svc->server, req, type, payload, len);
out:
    if (fc_pg_in_tx(svc->pg))
        fc_pg_rollback(svc->pg);
    if (rc == FC_EDUP && !replayed && err && strcmp(err->field, "rpc_replies_pkey") == 0) {
        /* the same message id committed concurrently elsewhere: answer with its reply */
        rc = s_replay(svc, req, &replayed, err);
        if (rc == FC_OK && !replayed)
            rc = fc_err_set(err, FC_EAGAIN, "message_id", "request is in progress; retry");
    }
    free(payload);
    return rc;
}

/* size cap → unpack → route → handle → free → reply */
static void s_dispatch(fc_service_t *svc)
{
    fc_rpc_request_t req;
    fc_err_t err;
    fc_err_clear(&err);
    int rc = fc_rpc_server_recv(svc->server, &req, &err);
    if (rc == FC_ENOTFOUND)
        return;
    svc->requests++;
    const fc_route_t *route = NULL;
    fc_call_t call = {req.env, NULL, svc->arena, NULL};
    ProtobufCAllocator alloc;
    fc_pb_arena_allocator(&alloc, svc->arena);
    if (rc != FC_OK)
        goto out;
    fc_log_set_context(req.env->message_id, req.env->correlation_id);
    route = s_find_route(svc, req.env->type);
    if (!route) {
        rc = fc_err_set(&err, FC_EINVAL, "type", "unknown message type \"%s\" for %s",
                        req.env->type, svc->def->name);
        goto out;
    }
    call.request = fc_pb_unpack(route->request, req.env->payload.data, req.env->payload.len,
                                FC_PB_MAX_MESSAGE, &alloc, "payload", &err);
    if (!call.request) {
        rc = err.code;
        goto out;
    }
    if (route->flags & FC_ROUTE_WRITE) {
        rc = s_run_write(svc, route, &req, &call, &err);
    } else {
        rc = route->handle(svc, &call, &err);
        if (rc == FC_OK)
            fc_rpc_server_reply(svc->server, &req, call.reply);
    }
out:
    if (rc != FC_OK) {
        fc_log(rc == FC_EINVAL || rc == FC_ENOTFOUND || rc == FC_EDENIED || rc == FC_ECONFLICT
                   ? FC_LOG_INFO
                   : FC_LOG_WARN,
               "rpc.error", "type", FC_LS(req.env && req.env->type ? req.env->type : ""), "code",
               FC_LS(fc_err_name(rc)), "field", FC_LS(err.field), "error", FC_LS(err.message),
               NULL);
        if (!err.code)
            fc_err_set(&err, rc, NULL, "request failed");
        fc_rpc_server_reply_error(svc->server, &req, &err);
    }
    fc_rpc_request_fini(&req);
    fc_arena_reset(svc->arena);
    fc_log_set_context(NULL, NULL);
}

/* ---- background work -------------------------------------------------------------- */

static int s_background(fc_service_t *svc)
{
    int work = 0;
    fc_err_t err;
    int64_t now = fc_clock_mono_ms();
    if (svc->relay_due || now >= svc->next_relay_ms) {
        int n = 0;
        fc_err_clear(&err);
        if (fc_outbox_relay_run(svc->relay, FC_RELAY_BATCH, &n, &err) != FC_OK)
            fc_log_warn("outbox.relay_failed", "error", FC_LS(err.message), NULL);
        svc->relay_due = n == FC_RELAY_BATCH;
        svc->next_relay_ms = now + 250;
        work += n;
    }
    for (size_t i = 0; i < svc->def->nsubs; i++) {
        int n = 0;
        fc_err_clear(&err);
        if (fc_consumer_poll(svc->consumers[i], &n, &err) != FC_OK)
            fc_log_warn("consumer.poll_failed", "stream",
                        FC_LS(fc_consumer_stream(svc->consumers[i])), "error",
                        FC_LS(err.message), NULL);
        work += n;
    }
    if (svc->def->tick)
        svc->def->tick(svc);
    return work;
}

/* ---- lifecycle ---------------------------------------------------------------------- */

static void s_usage(const fc_service_def_t *def)
{
    printf("usage: fc-%s [--print-config] [--version]\n"
           "Runs the %s service; configuration from the environment (see --print-config).\n",
           def->name, def->name);
}

static int s_setup(fc_service_t *svc, fc_err_t *err)
{
    const fc_config_t *c = svc->config;
    const char *name = svc->def->name;
    int rc;
    if ((rc = fc_clock_configure(fc_config_str(c, "FC_CLOCK"), err)) != FC_OK)
        return rc;
    char user[64];
    snprintf(user, sizeof user, "%s", *fc_config_str(c, "FC_PG_USER")
                                          ? fc_config_str(c, "FC_PG_USER")
                                          : "");
    if (!*user)
        snprintf(user, sizeof user, "fc_%s", name);
    fc_pg_opts_t po = {fc_config_str(c, "FC_PG_URL"), user, fc_config_str(c, "FC_PG_PASSWORD"),
                       name, name, (int)fc_config_int(c, "FC_CONNECT_WAIT_S")};
    if (!(svc->pg = fc_pg_new(&po, err)))
        return err->code;
    struct stat st;
    if (stat(fc_config_str(c, "FC_MIGRATIONS_DIR"), &st) != 0 || !S_ISDIR(st.st_mode))
        return fc_err_set(err, FC_EINVAL, "FC_MIGRATIONS_DIR", "migrations directory \"%s\" does not exist",
                          fc_config_str(c, "FC_MIGRATIONS_DIR"));
    char *dir = fc_xasprintf("%s/%s", fc_config_str(c, "FC_MIGRATIONS_DIR"), name);
    int applied = 0;
    rc = fc_migrate(svc->pg, name, dir, &applied, err);
    free(dir);
    if (rc != FC_OK)
        return rc;
    if (!(svc->redis = fc_redis_new(fc_config_str(c, "FC_REDIS_URL"), err)))
        return err->code;
    snprintf(svc->stream, sizeof svc->stream, FC_STREAM_PREFIX "%s", name);
    svc->relay = fc_outbox_relay_new(svc->pg, svc->redis, name, 0);

    char cname[160];
    if (*fc_config_str(c, "FC_CONSUMER_NAME")) {
        snprintf(cname, sizeof cname, "%s", fc_config_str(c, "FC_CONSUMER_NAME"));
    } else {
        char host[64] = "localhost";
        gethostname(host, sizeof host - 1);
        snprintf(cname, sizeof cname, "%s@%s:%d", name, host, (int)getpid());
    }
    fc_consumer_opts_t co = {0, fc_config_int(c, "FC_CLAIM_IDLE_MS"),
                             (int)fc_config_int(c, "FC_MAX_DELIVERIES")};
    svc->consumers = fc_xcalloc(svc->def->nsubs + 1, sizeof *svc->consumers);
    for (size_t i = 0; i < svc->def->nsubs; i++) {
        char stream[96];
        snprintf(stream, sizeof stream, FC_STREAM_PREFIX "%s", svc->def->subs[i].source);
        svc->consumers[i] = fc_consumer_new(svc->redis, svc->pg, stream, name, cname,
                                            svc->def->subs[i].handle, svc, &co, err);
        if (!svc->consumers[i])
            return err->code;
    }
    svc->zmq = zmq_ctx_new();
    if (svc->def->start && (rc = svc->def->start(svc, err)) != FC_OK)
        return rc;
    const char *listen = *fc_config_str(c, "FC_LISTEN") ? fc_config_str(c, "FC_LISTEN")
                                                        : fc_endpoint_of(name);
    fc_rpc_keys_t keys = {NULL, fc_config_str(c, "FC_CURVE_SERVER_SECRET"), NULL, NULL};
    /* CURVE without a ZAP handler would let any key in: the handler comes first */
    if (*keys.server_secret &&
        !(svc->zap = fc_zap_new(svc->zmq, fc_config_str(c, "FC_CURVE_ALLOWED_CLIENTS"), err)))
        return err->code;
    if (!(svc->server = fc_rpc_server_new(svc->zmq, listen ? listen : "", &keys, err)))
        return err->code;
    fc_log_info("service.started", "listen", FC_LS(listen), "migrations_applied",
                FC_LI(applied), "consumer", FC_LS(cname), NULL);
    return FC_OK;
}

static void s_teardown(fc_service_t *svc)
{
    if (svc->def->stop && svc->pg)
        svc->def->stop(svc);
    fc_rpc_server_destroy(&svc->server);
    fc_zap_destroy(&svc->zap);
    for (size_t i = 0; svc->consumers && i < svc->def->nsubs; i++)
        fc_consumer_destroy(&svc->consumers[i]);
    free(svc->consumers);
    fc_outbox_relay_destroy(&svc->relay);
    fc_redis_destroy(&svc->redis);
    fc_pg_destroy(&svc->pg);
    if (svc->zmq)
        zmq_ctx_term(svc->zmq);
    fc_arena_destroy(&svc->arena);
    fc_config_destroy(&svc->config);
}

int fc_service_main(const fc_service_def_t *def, int argc, char **argv)
{
    int print_config = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--print-config") == 0) {
            print_config = 1;
        } else if (strcmp(argv[i], "--version") == 0) {
            printf("fc-%s %s\n", def->name, FC_VERSION);
            return 0;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            s_usage(def);
            return 0;
        } else {
            fprintf(stderr, "fc-%s: unknown argument \"%s\"\n", def->name, argv[i]);
            s_usage(def);
            return 2;
        }
    }
    fc_service_t svc_storage, *svc = &svc_storage;
    memset(svc, 0, sizeof *svc);
    svc->def = def;
    fc_err_t err;
    fc_err_clear(&err);
    fc_log_init(def->name, FC_LOG_INFO);
    svc->config = fc_config_load(s_common_config, sizeof s_common_config / sizeof s_common_config[0],
                                 def->config, def->nconfig, &err);
    if (!svc->config) {
        fprintf(stderr, "fc-%s: bad configuration:\n%s\n", def->name, err.message);
        return 2;
    }
    if (print_config) {
        fc_config_print(svc->config, stdout);
        fc_config_destroy(&svc->config);
        return 0;
    }
    int level = fc_log_level_parse(fc_config_str(svc->config, "FC_LOG_LEVEL"));
    fc_log_init(def->name, level < 0 ? FC_LOG_INFO : level);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    svc->arena = fc_arena_new(64 * 1024);
    svc->started_mono_ms = fc_clock_mono_ms();
    int status = 0;
    if (s_setup(svc, &err) != FC_OK) {
        fc_log_error("service.start_failed", "field", FC_LS(err.field), "error",
                     FC_LS(err.message), NULL);
        status = 1;
        goto out;
    }
    while (!s_stop) {
        zmq_pollitem_t item = {fc_rpc_server_socket(svc->server), 0, ZMQ_POLLIN, 0};
        int n = zmq_poll(&item, 1, FC_IDLE_POLL_MS);
        if (n > 0)
            for (int i = 0; i < FC_REQUESTS_PER_TURN && !s_stop; i++) {
                zmq_pollitem_t again = item;
                if (i > 0 && (zmq_poll(&again, 1, 0) <= 0))
                    break;
                s_dispatch(svc);
            }
        if (s_stop)
            break;
        /* keep going without sleeping while there is background work */
        while (s_background(svc) > 0 && !s_stop) {
            zmq_pollitem_t peek = item;
            if (zmq_poll(&peek, 1, 0) > 0)
                break;
        }
    }
    fc_log_info("service.stopping", "requests", FC_LI(svc->requests), NULL);
    /* publish what was committed before we go, so nothing waits on a restart */
    if (svc->relay)
        fc_outbox_relay_run(svc->relay, FC_RELAY_BATCH, NULL, NULL);
out:
    s_teardown(svc);
    if (!status)
        fc_log_info("service.stopped", NULL);
    return status;
}

int fc_service_ignore_events(fc_service_t *svc, const char *source, const char *const *types)
{
    for (size_t i = 0; svc->consumers && i < svc->def->nsubs; i++)
        if (strcmp(svc->def->subs[i].source, source) == 0) {
            fc_consumer_ignore(svc->consumers[i], types);
            return FC_OK;
        }
    return FC_ENOTFOUND;
}

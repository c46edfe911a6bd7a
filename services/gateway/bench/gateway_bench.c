/* gateway_bench: what the HTTP gateway costs over calling a service directly. Starts fc-intake
 * and fc-gateway, registers 1,000 people, then for a read route (one person) measures
 *   - the baseline: direct RPC round trips from C, 64 client threads each with its own DEALER
 *     (the same concurrency as wrk below), for the rate and the p99 latency;
 *   - the gateway: wrk with 64 connections on GET /api/v1/intake/person_get for the same
 *     operation (token check, JSON, RPC, and an audit row per read: it is sensitive data).
 * Prints JSON lines: gateway.requests_per_s and gateway.p99_ms with the direct RPC figures of
 * the same run as baseline, and gateway.audit_rows_per_read (1.0: every read on record); then
 * gateway.plain_requests_per_s / plain_p99_ms for a read that is not audited (one post), to
 * show the gateway's own cost apart from the audit commit. Runs in under a minute. */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fc/v1/gateway.pb-c.h"
#include "fc/v1/intake.pb-c.h"
#include "fc_endpoints.h"
#include "fc_harness.h"
#include "fc_log.h"
#include "fc_mem.h"
#include "fc_rpc.h"

#define PEOPLE 1000
#define THREADS 64 /* direct clients: as many as wrk's connections */
#define DIRECT_S 5
#define WRK_S 10
#define WRK_CONNECTIONS 64
#define MAX_SAMPLES 2000000

typedef struct {
    const char *type;
    const ProtobufCMessage *req;
    const ProtobufCMessageDescriptor *reply;
    int64_t until_us;
    int64_t *lat_us; /* shared sample array */
    atomic_long n;
    atomic_int failed;
} s_direct_t;

static int64_t s_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void *s_direct_run(void *arg)
{
    s_direct_t *d = arg;
    fc_rpc_client_opts_t o = {.timeout_ms = 5000, .retries = 0};
    fc_rpc_client_t *c = fc_rpc_client_new(NULL, fc_endpoint_of("intake"), &o);
    while (c && s_now_us() < d->until_us) {
        ProtobufCMessage *reply = NULL;
        fc_err_t err;
        int64_t t0 = s_now_us();
        if (fc_rpc_call(c, d->type, d->req, d->reply, &reply, NULL, &err) != FC_OK) {
            fprintf(stderr, "gateway_bench: %s: %s\n", d->type, err.message);
            atomic_store(&d->failed, 1);
            break;
        }
        protobuf_c_message_free_unpacked(reply, NULL);
        long i = atomic_fetch_add(&d->n, 1);
        if (i < MAX_SAMPLES)
            d->lat_us[i] = s_now_us() - t0;
    }
    fc_rpc_client_destroy(&c);
    return NULL;
}

static int s_cmp(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Direct RPC round trips for DIRECT_S seconds: *rps and *p99_ms. */
static int s_direct(const char *type, const ProtobufCMessage *req,
                    const ProtobufCMessageDescriptor *reply, double *rps, double *p99_ms)
{
    s_direct_t d = {type, req, reply, 0, fc_xcalloc(MAX_SAMPLES, sizeof(int64_t)), 0, 0};
    pthread_t t[THREADS];
    int64_t t0 = s_now_us();
    d.until_us = t0 + DIRECT_S * 1000000LL;
    for (int i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, s_direct_run, &d);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    long n = atomic_load(&d.n);
    double secs = (double)(s_now_us() - t0) / 1e6;
    long kept = n < MAX_SAMPLES ? n : MAX_SAMPLES;
    qsort(d.lat_us, (size_t)kept, sizeof(int64_t), s_cmp);
    *rps = (double)n / secs;
    *p99_ms = kept ? (double)d.lat_us[(size_t)((double)kept * 0.99)] / 1000.0 : 0;
    free(d.lat_us);
    return atomic_load(&d.failed) || n == 0 ? -1 : 0;
}

/* "12.34ms" / "850.00us" / "1.20s" in milliseconds. */
static double s_wrk_ms(const char *s)
{
    char *end = NULL;
    double v = strtod(s, &end);
    if (strncmp(end, "us", 2) == 0)
        return v / 1000.0;
    if (strncmp(end, "ms", 2) == 0)
        return v;
    if (*end == 's')
        return v * 1000.0;
    if (*end == 'm')
        return v * 60000.0;
    return v;
}

/* wrk against url with the token: *rps, *p99_ms, *total requests. -1 if wrk failed or saw
 * errors. */
static int s_wrk(const char *url, const char *token, int seconds, double *rps, double *p99_ms,
                 long *total)
{
    char *cmd = fc_xasprintf("wrk -t2 -c%d -d%ds --latency -H 'Authorization: Bearer %s' '%s' 2>&1",
                             WRK_CONNECTIONS, seconds, token, url);
    FILE *p = popen(cmd, "r");
    free(cmd);
    char line[512];
    int bad = 0;
    *rps = 0;
    *p99_ms = 0;
    while (p && fgets(line, sizeof line, p)) {
        char *s = line;
        while (*s == ' ' || *s == '\t')
            s++;
        if (strstr(s, " requests in "))
            *total = strtol(s, NULL, 10);
        else if (strncmp(s, "Requests/sec:", 13) == 0)
            *rps = strtod(s + 13, NULL);
        else if (strncmp(s, "99%", 3) == 0)
            *p99_ms = s_wrk_ms(s + 3 + strspn(s + 3, " \t"));
        else if (strstr(s, "Non-2xx") || strstr(s, "Socket errors")) {
            fprintf(stderr, "gateway_bench: wrk: %s", s);
            bad = 1;
        }
    }
    int st = p ? pclose(p) : -1;
    return st == 0 && !bad && *rps > 0 ? 0 : -1;
}

static void s_emit(const char *name, double value, const char *unit, double baseline)
{
    printf("{\"name\": \"%s\", \"value\": %.2f, \"unit\": \"%s\", \"baseline\": %.2f, "
           "\"ratio\": %.3f}\n",
           name, value, unit, baseline, baseline > 0 ? value / baseline : 0.0);
    fflush(stdout);
}

static int s_call(const char *service, const char *type, const ProtobufCMessage *req,
                  const ProtobufCMessageDescriptor *reply_desc, ProtobufCMessage **reply_out)
{
    fc_rpc_client_opts_t o = {.timeout_ms = 30000, .retries = 0};
    fc_rpc_client_t *c = fc_rpc_client_new(NULL, fc_endpoint_of(service), &o);
    ProtobufCMessage *reply = NULL;
    fc_err_t err;
    int rc = fc_rpc_call(c, type, req, reply_desc, &reply, NULL, &err);
    if (rc != FC_OK)
        fprintf(stderr, "gateway_bench: %s: %s: %s\n", type, err.field, err.message);
    if (reply_out)
        *reply_out = reply;
    else if (reply)
        protobuf_c_message_free_unpacked(reply, NULL);
    fc_rpc_client_destroy(&c);
    return rc;
}

static int s_seed(void)
{
    Fc__V1__OrgUnit g = FC__V1__ORG_UNIT__INIT, s = FC__V1__ORG_UNIT__INIT;
    g.org_code = "G", g.name = "集团", g.kind = "group";
    s.org_code = "S1", s.parent_code = "G", s.name = "子公司", s.kind = "subsidiary";
    Fc__V1__OrgUnit *units[] = {&g, &s};
    Fc__V1__OrgUpsertRequest oreq = FC__V1__ORG_UPSERT_REQUEST__INIT;
    oreq.units = units, oreq.n_units = 2;
    int rc = s_call("intake", "intake.org_upsert", &oreq.base,
                    &fc__v1__org_upsert_reply__descriptor, NULL);
    Fc__V1__Person *people = fc_xcalloc(PEOPLE, sizeof *people);
    Fc__V1__Person **pp = fc_xcalloc(PEOPLE, sizeof *pp);
    char(*emp)[16] = fc_xcalloc(PEOPLE, sizeof *emp);
    for (int i = 0; i < PEOPLE; i++) {
        fc__v1__person__init(&people[i]);
        snprintf(emp[i], sizeof emp[i], "E%05d", i);
        people[i].employee_no = emp[i], people[i].name = "测试", people[i].org_code = "S1";
        people[i].fit_for_frontline = 1;
        pp[i] = &people[i];
    }
    Fc__V1__PersonUpsertRequest preq = FC__V1__PERSON_UPSERT_REQUEST__INIT;
    preq.people = pp, preq.n_people = PEOPLE;
    if (rc == FC_OK)
        rc = s_call("intake", "intake.person_upsert", &preq.base,
                    &fc__v1__person_upsert_reply__descriptor, NULL);
    /* a post: the non-sensitive read (no audit row) */
    Fc__V1__Shift shift = FC__V1__SHIFT__INIT;
    shift.start_min = 480, shift.end_min = 1200, shift.headcount = 2;
    Fc__V1__Shift *shifts[] = {&shift};
    Fc__V1__Post post = FC__V1__POST__INIT;
    post.post_code = "P1", post.org_code = "S1", post.name = "东门岗", post.kind = "checkpoint";
    post.risk_class = 2, post.shifts = shifts, post.n_shifts = 1;
    Fc__V1__Post *posts[] = {&post};
    Fc__V1__PostUpsertRequest qreq = FC__V1__POST_UPSERT_REQUEST__INIT;
    qreq.posts = posts, qreq.n_posts = 1;
    if (rc == FC_OK)
        rc = s_call("intake", "intake.post_upsert", &qreq.base,
                    &fc__v1__post_upsert_reply__descriptor, NULL);
    free(people);
    free(pp);
    free(emp);
    return rc;
}

int main(void)
{
    fc_log_init("gateway_bench", FC_LOG_ERROR);
    fc_h_init("gateway_bench");
    fc_h_reset();
    static const char *env[] = {"FC_RATE_PER_S=0", "FC_LOG_LEVEL=warn", NULL};
    static const char *quiet[] = {"FC_LOG_LEVEL=warn", NULL};
    pid_t intake = fc_h_up("intake", quiet);
    pid_t gateway = fc_h_up("gateway", env);
    int rc = s_seed();
    Fc__V1__TokenCreateRequest treq = FC__V1__TOKEN_CREATE_REQUEST__INIT;
    treq.name = "bench", treq.role = "group_admin", treq.org_scope = "G";
    ProtobufCMessage *treply = NULL;
    if (rc == FC_OK)
        rc = s_call("gateway", "gateway.token_create", &treq.base,
                    &fc__v1__token_create_reply__descriptor, &treply);
    char *token = rc == FC_OK ? fc_xstrdup(((Fc__V1__TokenCreateReply *)treply)->secret) : NULL;
    if (treply)
        protobuf_c_message_free_unpacked(treply, NULL);
    const char *port = getenv("FC_HTTP_PORT");

    /* the read route: one person (a sensitive read: the gateway also writes an audit row) */
    Fc__V1__PersonGetRequest get = FC__V1__PERSON_GET_REQUEST__INIT;
    get.employee_no = "E00042";
    double d_rps = 0, d_p99 = 0, g_rps = 0, g_p99 = 0;
    long total = 0;
    long long rows0 = 0;
    char *url = fc_xasprintf("http://127.0.0.1:%s/api/v1/intake/person_get?employee_no=E00042",
                             port ? port : "28080");
    if (rc == FC_OK)
        rc = s_direct("intake.person_get", &get.base, &fc__v1__person_get_reply__descriptor, &d_rps,
                      &d_p99);
    if (rc == FC_OK)
        rc = s_wrk(url, token, 2, &g_rps, &g_p99, &total); /* warm-up: workers' sockets */
    rows0 = fc_h_scalar("SELECT count(*) FROM gateway.audit_log");
    if (rc == FC_OK)
        rc = s_wrk(url, token, WRK_S, &g_rps, &g_p99, &total);
    if (rc == FC_OK) {
        s_emit("gateway.requests_per_s", g_rps, "req/s", d_rps);
        s_emit("gateway.p99_ms", g_p99, "ms", d_p99);
        /* every one of those reads is on record: one audit row each */
        long long rows = fc_h_scalar("SELECT count(*) FROM gateway.audit_log") - rows0;
        s_emit("gateway.audit_rows_per_read", total ? (double)rows / (double)total : 0, "rows",
               1.0);
    } else {
        fprintf(stderr, "gateway_bench: failed\n");
    }
    /* the same without the audit: a post (not sensitive) */
    Fc__V1__PostGetRequest pget = FC__V1__POST_GET_REQUEST__INIT;
    pget.post_code = "P1";
    char *purl = fc_xasprintf("http://127.0.0.1:%s/api/v1/intake/post_get?post_code=P1",
                              port ? port : "28080");
    if (rc == FC_OK)
        rc = s_direct("intake.post_get", &pget.base, &fc__v1__post_get_reply__descriptor, &d_rps,
                      &d_p99);
    if (rc == FC_OK)
        rc = s_wrk(purl, token, WRK_S, &g_rps, &g_p99, &total);
    if (rc == FC_OK) {
        s_emit("gateway.plain_requests_per_s", g_rps, "req/s", d_rps);
        s_emit("gateway.plain_p99_ms", g_p99, "ms", d_p99);
    }
    free(purl);
    free(url);
    free(token);
    fc_h_stop(gateway, SIGTERM, fc_h_ms(10000));
    fc_h_stop(intake, SIGTERM, fc_h_ms(10000));
    return rc == FC_OK ? 0 : 1;
}

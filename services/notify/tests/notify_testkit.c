/* notify_testkit: events, clock, RPC and environment for notify's integration tests. */
#include "notify_testkit.h"
#include "fc/v1/intake.pb-c.h"
#include "fc_clock.h"
#include "fc_endpoints.h"
#include "fc_id.h"
#include "fc_mem.h"
#include "fc_pb.h"
#include "fc_redis.h"
#include "fc_rpc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static fc_redis_t *s_redis;
static char s_clock[512];
static char **s_env_list;
static int s_env_n;

static void s_die(const char *what)
{
    fprintf(stderr, "notify_testkit: %s\n", what);
    abort();
}

int nt_port(int offset)
{
    const char *b = getenv("FC_TEST_PORT_BASE");
    if (!b)
        s_die("FC_TEST_PORT_BASE is not set: run through ctest (tests/harness/with-env.sh)");
    return atoi(b) + offset;
}

int64_t nt_time(const char *iso)
{
    int64_t us = 0;
    fc_err_t err;
    if (fc_time_parse(iso, &us, &err) != FC_OK)
        s_die(err.message);
    return us;
}

const char *nt_clock_init(const char *test, int64_t t)
{
    const char *dir = getenv("FC_TEST_LOG_DIR");
    snprintf(s_clock, sizeof s_clock, "%s/%s.clock", dir ? dir : "/tmp", test);
    nt_clock_set(t);
    return s_clock;
}

void nt_clock_set(int64_t t)
{
    /* write then rename: the service never reads a half-written file */
    char tmp[600];
    snprintf(tmp, sizeof tmp, "%s.tmp", s_clock);
    FILE *f = fopen(tmp, "w");
    if (!f)
        s_die("could not write the clock file");
    fprintf(f, "%lld\n", (long long)t);
    fclose(f);
    if (rename(tmp, s_clock) != 0)
        s_die("could not move the clock file");
}

int64_t nt_clock_now(void)
{
    FILE *f = fopen(s_clock, "r");
    long long v = 0;
    if (f) {
        if (fscanf(f, "%lld", &v) != 1)
            v = 0;
        fclose(f);
    }
    return v;
}

void nt_publish(const char *source, const char *type, const ProtobufCMessage *msg, int64_t at_us)
{
    fc_err_t err;
    if (!s_redis && !(s_redis = fc_redis_new(getenv("FC_REDIS_URL"), &err)))
        s_die(err.message);
    char id[FC_ID_LEN + 1], at[24], stream[64];
    fc_id_new(id);
    snprintf(at, sizeof at, "%lld", (long long)at_us);
    snprintf(stream, sizeof stream, "fc:events:%s", source);
    size_t len = 0;
    uint8_t *payload = fc_pb_pack(msg, &len);
    const char *argv[] = {"XADD",
                          stream,
                          "*",
                          "id",
                          id,
                          "type",
                          type,
                          "source",
                          source,
                          "at",
                          at,
                          "payload",
                          (const char *)payload};
    size_t lens[13];
    for (int i = 0; i < 12; i++)
        lens[i] = strlen(argv[i]);
    lens[12] = len;
    redisReply *r = fc_redis_cmdargv(s_redis, &err, 13, argv, lens);
    free(payload);
    if (!r)
        s_die(err.message);
    freeReplyObject(r);
}

void nt_org(const char *code, const char *parent, const char *name, const char *kind)
{
    Fc__V1__OrgUnit u = FC__V1__ORG_UNIT__INIT;
    u.org_code = (char *)code;
    u.parent_code = (char *)(parent ? parent : "");
    u.name = (char *)name;
    u.kind = (char *)kind;
    Fc__V1__OrgUpserted ev = FC__V1__ORG_UPSERTED__INIT;
    ev.unit = &u;
    ev.at_us = 1;
    nt_publish("intake", "intake.org_upserted", &ev.base, 1);
}

void nt_person(const char *emp, const char *name, const char *phone, const char *org,
               int leadership)
{
    Fc__V1__Person p = FC__V1__PERSON__INIT;
    p.employee_no = (char *)emp;
    p.name = (char *)name;
    p.phone = (char *)phone;
    p.org_code = (char *)org;
    p.leadership_team = leadership;
    p.fit_for_frontline = 1;
    p.health_status = FC__V1__HEALTH_STATUS__HEALTH_STATUS_HEALTHY;
    Fc__V1__PersonUpserted ev = FC__V1__PERSON_UPSERTED__INIT;
    ev.person = &p;
    ev.at_us = 1;
    nt_publish("intake", "intake.person_upserted", &ev.base, 1);
}

static int s_call(const char *role, const char *scope, const char *message_id, const char *type,
                  const ProtobufCMessage *req, const ProtobufCMessageDescriptor *reply_desc,
                  ProtobufCMessage **reply, fc_err_t *err)
{
    fc_rpc_client_opts_t o = {"test", role ? role : "service", scope ? scope : "", 5000, 2, NULL};
    fc_rpc_client_t *c = fc_rpc_client_new(NULL, fc_endpoint_of("notify"), &o);
    int rc = fc_rpc_call(c, type, req, reply_desc, reply, message_id, err);
    fc_rpc_client_destroy(&c);
    return rc;
}

int nt_call(const char *role, const char *scope, const char *type, const ProtobufCMessage *req,
            const ProtobufCMessageDescriptor *reply_desc, ProtobufCMessage **reply, fc_err_t *err)
{
    return s_call(role, scope, NULL, type, req, reply_desc, reply, err);
}

int nt_call_id(const char *message_id, const char *type, const ProtobufCMessage *req,
               const ProtobufCMessageDescriptor *reply_desc, ProtobufCMessage **reply,
               fc_err_t *err)
{
    return s_call(NULL, NULL, message_id, type, req, reply_desc, reply, err);
}

static void s_env_add(char *s)
{
    s_env_list = fc_xrealloc(s_env_list, (size_t)(s_env_n + 2) * sizeof *s_env_list);
    s_env_list[s_env_n++] = s;
    s_env_list[s_env_n] = NULL;
}

const char *const *nt_env(int http_port, int smtp_port, const char *const *extra)
{
    nt_env_free();
    s_env_add(fc_xasprintf("FC_CLOCK=file:%s", s_clock));
    s_env_add(fc_xasprintf("NOTIFY_SMS_URL=http://127.0.0.1:%d/sms/send", http_port));
    s_env_add(fc_xasprintf("NOTIFY_SMS_QUERY_URL=http://127.0.0.1:%d/sms/query", http_port));
    s_env_add(fc_xstrdup("NOTIFY_SMS_SIGN=集团组织部"));
    s_env_add(fc_xasprintf("NOTIFY_SMTP_URL=smtp://127.0.0.1:%d", smtp_port));
    s_env_add(fc_xstrdup("NOTIFY_SMTP_FROM=notify@frontline.example"));
    /* retries in a test's time: short backoff and lease, quick sweeps and schedules */
    s_env_add(fc_xstrdup("NOTIFY_BACKOFF_BASE_MS=50"));
    s_env_add(fc_xstrdup("NOTIFY_BACKOFF_MAX_MS=400"));
    s_env_add(fc_xstrdup("NOTIFY_HTTP_TIMEOUT_MS=1500"));
    s_env_add(fc_xstrdup("NOTIFY_SWEEP_MS=200"));
    s_env_add(fc_xstrdup("NOTIFY_SCHEDULE_MS=100"));
    s_env_add(fc_xstrdup("NOTIFY_IDLE_MS=10"));
    s_env_add(fc_xstrdup("FC_CLAIM_IDLE_MS=500"));
    for (const char *const *e = extra; e && *e; e++)
        s_env_add(fc_xstrdup(*e));
    return (const char *const *)s_env_list;
}

void nt_env_free(void)
{
    for (int i = 0; i < s_env_n; i++)
        free(s_env_list[i]);
    free(s_env_list);
    s_env_list = NULL;
    s_env_n = 0;
}

void nt_done(void)
{
    fc_redis_destroy(&s_redis);
    nt_env_free();
}

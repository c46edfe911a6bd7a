/* notify_bench: notify.reminders_per_s. 100k reminders due at the same moment, each one
 * message to a WeCom robot that is a loopback sink (libmicrohttpd), delivered by a real
 * fc-notify over real PostgreSQL and Redis, pacing off. The sink counts every marker, so
 * duplicates and losses are counted too (both must be 0). Baseline: the sink's own raw
 * request rate under wrk (same body, same machine, same run). One JSON object per line on
 * stdout; progress on stderr. Needs the environment of tests/harness/with-env.sh. */
#include "fc/v1/notify.pb-c.h"
#include "fc_clock.h"
#include "fc_harness.h"
#include "fc_log.h"
#include "fc_mem.h"
#include "fc_redis.h"
#include "notify_testkit.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#define S_CHUNK 5000

static int s_n = 100000;
static atomic_uchar *s_seen; /* deliveries per marker (saturating) */
static atomic_long s_marked; /* requests carrying a marker */
static atomic_long s_raw;    /* requests without one (wrk) */

typedef struct {
    fc_buf_t body;
} s_conn_t;

static const char s_ok[] = "{\"errcode\":0,\"errmsg\":\"ok\"}";

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    (void)cls;
    (void)url;
    (void)method;
    (void)version;
    s_conn_t *conn = *con_cls;
    if (!conn) {
        conn = fc_xcalloc(1, sizeof *conn);
        *con_cls = conn;
        return MHD_YES;
    }
    if (*upload_data_size) {
        fc_buf_append(&conn->body, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    fc_buf_append(&conn->body, "", 1);
    const char *m = strstr(conn->body.data, "N=");
    if (m) {
        long i = strtol(m + 2, NULL, 10);
        if (i >= 0 && i < s_n) {
            unsigned char v = atomic_load(&s_seen[i]);
            while (v < 255 && !atomic_compare_exchange_weak(&s_seen[i], &v, v + 1))
                ;
        }
        atomic_fetch_add(&s_marked, 1);
    } else {
        atomic_fetch_add(&s_raw, 1);
    }
    struct MHD_Response *r =
        MHD_create_response_from_buffer(sizeof s_ok - 1, (void *)s_ok, MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(r, "Content-Type", "application/json");
    enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ret;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)c;
    (void)toe;
    s_conn_t *conn = *con_cls;
    if (conn) {
        fc_buf_fini(&conn->body);
        free(conn);
        *con_cls = NULL;
    }
}

static struct MHD_Daemon *s_sink(int port)
{
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG, (uint16_t)port, NULL,
        NULL, on_request, NULL, MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)2, MHD_OPTION_CONNECTION_LIMIT, (unsigned)1024,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&a, MHD_OPTION_END);
}

/* wrk against the sink with a WeCom-shaped body; requests per second. */
static double s_baseline(int port)
{
    char lua[] = "/tmp/notify-bench-XXXXXX.lua";
    int fd = mkstemps(lua, 4);
    if (fd < 0)
        return 0;
    FILE *f = fdopen(fd, "w");
    fputs("wrk.method = \"POST\"\n"
          "wrk.headers[\"Content-Type\"] = \"application/json; charset=utf-8\"\n"
          "wrk.body = '{\"msgtype\":\"text\",\"text\":{\"content\":\"限速测试\\n通知 结束\"}}'\n",
          f);
    fclose(f);
    char *cmd =
        fc_xasprintf("wrk -t2 -c32 -d5s -s %s http://127.0.0.1:%d/robot/bench 2>&1", lua, port);
    FILE *p = popen(cmd, "r");
    free(cmd);
    double rps = 0;
    char line[512];
    while (p && fgets(line, sizeof line, p))
        if (sscanf(line, "Requests/sec: %lf", &rps) == 1)
            break;
    while (p && fgets(line, sizeof line, p))
        ;
    if (p)
        pclose(p);
    unlink(lua);
    return rps;
}

static void s_load(int64_t due)
{
    Fc__V1__ReminderSpec *specs = fc_xcalloc(S_CHUNK, sizeof *specs);
    Fc__V1__ReminderSpec **ps = fc_xcalloc(S_CHUNK, sizeof *ps);
    Fc__V1__ReminderSpec__VarsEntry *vars = fc_xcalloc(2 * S_CHUNK, sizeof *vars);
    Fc__V1__ReminderSpec__VarsEntry **pv = fc_xcalloc(2 * S_CHUNK, sizeof *pv);
    char **texts = fc_xcalloc(2 * S_CHUNK, sizeof *texts);
    char *to[] = {"group"};
    for (int off = 0; off < s_n; off += S_CHUNK) {
        int n = s_n - off < S_CHUNK ? s_n - off : S_CHUNK;
        for (int i = 0; i < n; i++) {
            Fc__V1__ReminderSpec *s = &specs[i];
            fc__v1__reminder_spec__init(s);
            s->kind = "notice";
            s->subject = texts[2 * i] = fc_xasprintf("bench-%d", off + i);
            s->org_code = "G";
            s->due_us = due;
            s->recipients = to;
            s->n_recipients = 1;
            fc__v1__reminder_spec__vars_entry__init(&vars[2 * i]);
            fc__v1__reminder_spec__vars_entry__init(&vars[2 * i + 1]);
            vars[2 * i].key = "title";
            vars[2 * i].value = "基准测试";
            vars[2 * i + 1].key = "text";
            vars[2 * i + 1].value = texts[2 * i + 1] = fc_xasprintf("通知 N=%d 结束", off + i);
            pv[2 * i] = &vars[2 * i];
            pv[2 * i + 1] = &vars[2 * i + 1];
            s->vars = &pv[2 * i];
            s->n_vars = 2;
            ps[i] = s;
        }
        Fc__V1__RemindRequest req = FC__V1__REMIND_REQUEST__INIT;
        req.reminders = ps;
        req.n_reminders = (size_t)n;
        ProtobufCMessage *reply = NULL;
        fc_err_t err;
        if (nt_call(NULL, NULL, "notify.remind", &req.base, &fc__v1__remind_reply__descriptor,
                    &reply, &err) != FC_OK) {
            fprintf(stderr, "notify_bench: loading reminders: %s\n", err.message);
            exit(1);
        }
        protobuf_c_message_free_unpacked(reply, NULL);
        for (int i = 0; i < 2 * n; i++)
            free(texts[i]);
    }
    free(texts);
    free(pv);
    free(vars);
    free(ps);
    free(specs);
}

static long long s_zcard(fc_redis_t *r, const char *key)
{
    redisReply *rep = fc_redis_cmd(r, NULL, "ZCARD %s", key);
    long long n = rep && rep->type == REDIS_REPLY_INTEGER ? rep->integer : -1;
    if (rep)
        freeReplyObject(rep);
    return n;
}

int main(int argc, char **argv)
{
    if (argc > 1)
        s_n = atoi(argv[1]) > 0 ? atoi(argv[1]) : s_n;
    fc_log_init("notify_bench", FC_LOG_ERROR);
    fc_h_init("notify_bench");
    s_seen = fc_xcalloc((size_t)s_n, sizeof *s_seen);
    int port = nt_port(20);
    struct MHD_Daemon *sink = s_sink(port);
    if (!sink) {
        fprintf(stderr, "notify_bench: could not listen on port %d\n", port);
        return 1;
    }
    fprintf(stderr, "notify_bench: baseline (wrk, 5 s)...\n");
    double baseline = s_baseline(port);
    fprintf(stderr, "notify_bench: sink raw rate %.0f requests/s\n", baseline);

    fc_h_reset();
    int64_t t0 = nt_time("2026-11-23T10:00:00+08:00"), due = t0 + 3600LL * FC_US_PER_S;
    nt_clock_init("notify_bench", t0);
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/robot/bench", port);
    /* pacing off (the robot's 20 a minute would make this a 3-day run); NOTIFY_BENCH_ENV may
     * add "NAME=value ..." settings to compare */
    const char *env[16] = {"NOTIFY_WECOM_RATE=0", "FC_LOG_LEVEL=warn"};
    int ne = 2;
    char *extra = fc_xstrdup(getenv("NOTIFY_BENCH_ENV") ? getenv("NOTIFY_BENCH_ENV") : "");
    for (char *tok = strtok(extra, " "); tok && ne < 15; tok = strtok(NULL, " "))
        env[ne++] = tok;
    env[ne] = NULL;
    pid_t notify = fc_h_up("notify", nt_env(port, port + 1, env));
    nt_org("G", "", "集团", "group");
    Fc__V1__DeskSetRequest d = FC__V1__DESK_SET_REQUEST__INIT;
    char *channels[] = {"wecom"};
    d.org_code = "G";
    d.wecom_url = url;
    d.channels = channels;
    d.n_channels = 1;
    ProtobufCMessage *reply = NULL;
    fc_err_t err;
    if (nt_call(NULL, NULL, "notify.desk_set", &d.base, &fc__v1__desk_set_reply__descriptor, &reply,
                &err) != FC_OK) {
        fprintf(stderr, "notify_bench: desk_set: %s\n", err.message);
        return 1;
    }
    protobuf_c_message_free_unpacked(reply, NULL);
    fc_h_wait_scalar("SELECT count(*) FROM notify.org_unit", 1, 10000);

    fprintf(stderr, "notify_bench: loading %d reminders due at once...\n", s_n);
    int64_t l0 = fc_clock_mono_ms();
    s_load(due);
    fc_redis_t *redis = fc_redis_new(getenv("FC_REDIS_URL"), &err);
    for (int i = 0; i < 600 && s_zcard(redis, "fc:q:notify.reminders:delayed") < s_n; i++)
        fc_h_sleep_ms(100);
    fprintf(stderr, "notify_bench: loaded in %.1f s\n", (fc_clock_mono_ms() - l0) / 1000.0);

    /* the moment they are all due */
    int64_t m0 = fc_clock_mono_ms();
    nt_clock_set(due);
    long last = -1;
    while (fc_clock_mono_ms() - m0 < 180000) {
        long got = atomic_load(&s_marked);
        if (got >= s_n)
            break;
        if (got / 10000 != last / 10000)
            fprintf(stderr, "notify_bench: %ld delivered after %.1f s\n", got,
                    (fc_clock_mono_ms() - m0) / 1000.0);
        last = got;
        fc_h_sleep_ms(20);
    }
    double secs = (fc_clock_mono_ms() - m0) / 1000.0;
    fc_h_sleep_ms(1000); /* anything late (a duplicate) has time to arrive */
    long dups = 0, lost = 0;
    for (int i = 0; i < s_n; i++) {
        unsigned char v = atomic_load(&s_seen[i]);
        dups += v > 1 ? v - 1 : 0;
        lost += v == 0;
    }
    long long sent = fc_h_scalar("SELECT count(*) FROM notify.delivery WHERE state = 'sent'");
    fc_h_stop(notify, SIGTERM, 20000);
    fc_redis_destroy(&redis);
    MHD_stop_daemon(sink);
    double rate = secs > 0 ? s_n / secs : 0;
    fprintf(stderr,
            "notify_bench: %d reminders in %.2f s (%.0f/s), %ld duplicates, %ld lost,"
            " %lld recorded sent\n",
            s_n, secs, rate, dups, lost, sent);
    printf("{\"name\": \"notify.reminders_per_s\", \"value\": %.1f, \"unit\": \"reminders/s\","
           " \"baseline\": %.1f, \"ratio\": %.4f}\n",
           rate, baseline, baseline > 0 ? rate / baseline : 0);
    printf("{\"name\": \"notify.reminders_100k_s\", \"value\": %.2f, \"unit\": \"s\","
           " \"baseline\": 30, \"ratio\": %.4f}\n",
           secs * 100000.0 / s_n, secs * 100000.0 / s_n / 30.0);
    printf("{\"name\": \"notify.duplicates\", \"value\": %ld, \"unit\": \"messages\","
           " \"baseline\": 0, \"ratio\": 0}\n",
           dups);
    printf("{\"name\": \"notify.losses\", \"value\": %ld, \"unit\": \"messages\","
           " \"baseline\": 0, \"ratio\": 0}\n",
           lost);
    fflush(stdout);
    free(s_seen);
    free(extra);
    nt_done();
    return dups == 0 && lost == 0 ? 0 : 1;
}

/* bench_system: each service's resident memory at idle and under load. Starts every service,
 * reads VmRSS at idle, drives 20,000 health check-ins through intake (and so through rotation
 * and report), then reads each one's peak (VmHWM). Baselines: for idle, the idle Redis server
 * of the same run; for load, the service's own idle figure. Prints one JSON line per figure. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fc/v1/intake.pb-c.h"
#include "fc_endpoints.h"
#include "fc_harness.h"
#include "fc_log.h"
#include "fc_mem.h"
#include "fc_rpc.h"

#define PEOPLE 1000
#define CHECKINS 20000
#define BATCH 500

static const char *s_services[] = {"intake", "rotation", "welfare", "notify", "report", "gateway"};
#define NSVC (sizeof s_services / sizeof s_services[0])

static long s_status_kib(pid_t pid, const char *key)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    long v = -1;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, key, strlen(key)) == 0)
            v = strtol(line + strlen(key) + 1, NULL, 10);
    if (f)
        fclose(f);
    return v;
}

static pid_t s_redis_pid(void)
{
    char *out = NULL;
    const char *url = getenv("FC_REDIS_URL");
    char cmd[256];
    snprintf(cmd, sizeof cmd, "redis-cli -u %s INFO server | sed -n 's/^process_id:\\([0-9]*\\).*/\\1/p'",
             url);
    FILE *p = popen(cmd, "r");
    char buf[32] = "";
    if (p) {
        if (!fgets(buf, sizeof buf, p))
            buf[0] = '\0';
        pclose(p);
    }
    free(out);
    return (pid_t)atol(buf);
}

static void s_emit(const char *name, double value, const char *unit, double baseline)
{
    printf("{\"name\": \"%s\", \"value\": %.0f, \"unit\": \"%s\", \"baseline\": %.0f, "
           "\"ratio\": %.2f}\n",
           name, value, unit, baseline, baseline > 0 ? value / baseline : 0.0);
}

static int s_call(fc_rpc_client_t *c, const char *type, const ProtobufCMessage *req,
                  const ProtobufCMessageDescriptor *reply_desc)
{
    ProtobufCMessage *reply = NULL;
    fc_err_t err;
    int rc = fc_rpc_call(c, type, req, reply_desc, &reply, NULL, &err);
    if (rc != FC_OK)
        fprintf(stderr, "bench_system: %s: %s: %s\n", type, err.field, err.message);
    if (reply)
        protobuf_c_message_free_unpacked(reply, NULL);
    return rc;
}

int main(void)
{
    fc_log_init("bench_system", FC_LOG_ERROR);
    fc_h_init("bench_system");
    fc_h_reset();
    pid_t pids[NSVC];
    static const char *env[] = {"FC_REPORT_SCHEDULE_ENABLED=0", NULL};
    for (size_t i = 0; i < NSVC; i++)
        pids[i] = fc_h_up(s_services[i], env);
    fc_h_sleep_ms(500);
    long idle[NSVC];
    for (size_t i = 0; i < NSVC; i++)
        idle[i] = s_status_kib(pids[i], "VmRSS:");
    long redis_idle = s_status_kib(s_redis_pid(), "VmRSS:");

    fc_rpc_client_opts_t o = {.timeout_ms = 30000, .retries = 0};
    fc_rpc_client_t *c = fc_rpc_client_new(NULL, fc_endpoint_of("intake"), &o);
    Fc__V1__OrgUnit g = FC__V1__ORG_UNIT__INIT, s = FC__V1__ORG_UNIT__INIT;
    g.org_code = "G", g.name = "集团", g.kind = "group";
    s.org_code = "S1", s.parent_code = "G", s.name = "子公司", s.kind = "subsidiary";
    Fc__V1__OrgUnit *units[] = {&g, &s};
    Fc__V1__OrgUpsertRequest oreq = FC__V1__ORG_UPSERT_REQUEST__INIT;
    oreq.units = units, oreq.n_units = 2;
    int rc = s_call(c, "intake.org_upsert", &oreq.base, &fc__v1__org_upsert_reply__descriptor);
    Fc__V1__Person *people = fc_xcalloc(PEOPLE, sizeof *people);
    Fc__V1__Person **pp = fc_xcalloc(PEOPLE, sizeof *pp);
    char(*emp)[16] = fc_xcalloc(PEOPLE, sizeof *emp);
    for (int i = 0; i < PEOPLE; i++) {
        fc__v1__person__init(&people[i]);
        snprintf(emp[i], sizeof emp[i], "E%05d", i);
        people[i].employee_no = emp[i], people[i].name = "测试", people[i].org_code = "S1";
        pp[i] = &people[i];
    }
    Fc__V1__PersonUpsertRequest preq = FC__V1__PERSON_UPSERT_REQUEST__INIT;
    preq.people = pp, preq.n_people = PEOPLE;
    if (rc == FC_OK)
        rc = s_call(c, "intake.person_upsert", &preq.base,
                    &fc__v1__person_upsert_reply__descriptor);
    Fc__V1__HealthCheckin ci[BATCH];
    Fc__V1__HealthCheckin *cp[BATCH];
    for (int sent = 0; rc == FC_OK && sent < CHECKINS; sent += BATCH) {
        for (int k = 0; k < BATCH; k++) {
            fc__v1__health_checkin__init(&ci[k]);
            ci[k].employee_no = emp[(sent + k) % PEOPLE];
            ci[k].temperature_dc = 360 + (sent + k) % 15;
            cp[k] = &ci[k];
        }
        Fc__V1__HealthCheckinRequest req = FC__V1__HEALTH_CHECKIN_REQUEST__INIT;
        req.checkins = cp, req.n_checkins = BATCH;
        rc = s_call(c, "intake.health_checkin", &req.base,
                    &fc__v1__health_checkin_reply__descriptor);
    }
    fc_rpc_client_destroy(&c);
    /* let the consumers catch up, so their peak includes the work */
    fc_h_wait_scalar("SELECT COALESCE(sum(checkins), 0) FROM report.health_daily", CHECKINS,
                     fc_h_ms(120000));
    for (size_t i = 0; i < NSVC; i++) {
        char name[64];
        snprintf(name, sizeof name, "%s.rss_idle_kib", s_services[i]);
        s_emit(name, (double)idle[i], "KiB", (double)redis_idle);
        snprintf(name, sizeof name, "%s.rss_load_kib", s_services[i]);
        s_emit(name, (double)s_status_kib(pids[i], "VmHWM:"), "KiB", (double)idle[i]);
    }
    for (size_t i = 0; i < NSVC; i++)
        fc_h_stop(pids[i], SIGTERM, fc_h_ms(10000));
    free(people);
    free(pp);
    free(emp);
    return rc == FC_OK ? 0 : 1;
}

/* notify_world: the common starting point of notify's integration tests. */
#include "notify_world.h"
#include "fc/v1/notify.pb-c.h"
#include "fc_clock.h"
#include "fc_harness.h"
#include "fc_mem.h"
#include "notify_testkit.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

void nw_fakes(notify_world_t *w)
{
    memset(w, 0, sizeof *w);
    w->http = notify_fake_http_new(nt_port(0), 2500);
    w->smtp = notify_fake_smtp_new(nt_port(1));
    if (!w->http || !w->smtp) {
        fprintf(stderr, "notify_world: fakes did not start\n");
        exit(1);
    }
    snprintf(w->robot_group, sizeof w->robot_group, "http://127.0.0.1:%d/robot/group", nt_port(0));
    snprintf(w->robot_s1, sizeof w->robot_s1, "http://127.0.0.1:%d/robot/s1", nt_port(0));
}

static void s_desk(const char *org, const char *name, const char *wecom, const char *email,
                   const char *lang)
{
    Fc__V1__DeskSetRequest req = FC__V1__DESK_SET_REQUEST__INIT;
    req.org_code = (char *)org;
    req.name = (char *)name;
    req.wecom_url = (char *)wecom;
    req.email = (char *)email;
    req.lang = (char *)lang;
    ProtobufCMessage *reply = NULL;
    fc_err_t err;
    if (nt_call(NULL, NULL, "notify.desk_set", &req.base, &fc__v1__desk_set_reply__descriptor,
                &reply, &err) != FC_OK) {
        fprintf(stderr, "notify_world: desk_set %s: %s\n", org, err.message);
        exit(1);
    }
    protobuf_c_message_free_unpacked(reply, NULL);
}

void nw_begin(notify_world_t *w, const char *test, int64_t t, const char *const *extra)
{
    fc_h_init(test);
    fc_h_reset();
    notify_fake_clear(w->http);
    notify_fake_clear(w->smtp);
    nt_clock_init(test, t);
    w->notify = fc_h_up("notify", nt_env(nt_port(0), nt_port(1), extra));
    nt_org("G", "", "河钢集团", "group");
    nt_org("S1", "G", "第一子公司", "subsidiary");
    nt_org("B1", "S1", "第一党支部", "branch");
    nt_person("E001", "张三", "13800000001", "B1", 0);
    nt_person("SEC1", "李书记", "13800000002", "B1", 1);
    nt_person("L1", "王总", "13800000003", "S1", 1);
    nt_person("L2", "赵总", "13800000004", "S1", 1);
    s_desk("G", "集团党委组织部", w->robot_group, "group@frontline.example", "");
    s_desk("S1", "S1 Organisation Dept", w->robot_s1, "s1@frontline.example", "en");
    if (fc_h_wait_scalar("SELECT count(*) FROM notify.person", 4, fc_h_ms(10000)) != 4 ||
        fc_h_wait_scalar("SELECT count(*) FROM notify.org_unit", 3, fc_h_ms(10000)) != 3) {
        fprintf(stderr, "notify_world: notify did not take in the group\n");
        exit(1);
    }
}

void nw_end(notify_world_t *w)
{
    if (w->notify > 0) {
        int status = fc_h_stop(w->notify, SIGTERM, fc_h_ms(15000));
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            fprintf(stderr, "notify_world: fc-notify did not stop cleanly (status %d)\n", status);
            exit(1);
        }
    }
    w->notify = 0;
    nt_env_free();
}

void nw_destroy(notify_world_t *w)
{
    notify_fake_destroy(&w->http);
    notify_fake_destroy(&w->smtp);
    nt_done();
}

int nw_wait_fake_with(notify_fake_t *f, const char *kind, const char *needle, int want,
                      int timeout_ms)
{
    int n = 0;
    for (int waited = 0; waited <= fc_h_ms(timeout_ms); waited += 20) {
        if ((n = notify_fake_count_with(f, kind, needle)) >= want)
            return n;
        fc_h_sleep_ms(20);
    }
    return n;
}

int nw_wait_fake(notify_fake_t *f, const char *kind, int want, int timeout_ms)
{
    return nw_wait_fake_with(f, kind, "", want, timeout_ms);
}

void nw_settle(int ms)
{
    fc_h_sleep_ms(fc_h_ms(ms));
}

int nw_killed(pid_t pid, int timeout_ms)
{
    int status = fc_h_wait_exit(pid, fc_h_ms(timeout_ms));
    return status != -1 && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

long long nw_recover(int64_t *now, const char *sql, long long want)
{
    fc_h_sleep_ms(1300);
    long long v = -1;
    for (int i = 0; i < 300; i++) {
        if ((v = fc_h_scalar(sql)) == want)
            break;
        *now += 2 * FC_US_PER_S;
        nt_clock_set(*now);
        fc_h_sleep_ms(fc_h_ms(50));
    }
    return v;
}

int nw_fcctl(const char *args)
{
    char *out = NULL;
    int rc = fc_h_fcctl(&out, "%s 2>&1", args);
    if (rc != 0)
        fprintf(stderr, "fcctl %s: %s\n", args, out ? out : "");
    free(out);
    return rc;
}

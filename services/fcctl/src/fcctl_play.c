/* fcctl_play: `fcctl play EVENTS.jsonl` — plays an event script (fc-gen's, or one an operator
 * wrote for a drill) through the services in time order, moving a file clock (the services run
 * with FC_CLOCK=file:PATH) as it goes, so that everything time-driven — reminders due,
 * escalations, forced rests, the weekly report round — happens when the script says it is.
 *
 * Each line is one JSON object {"at": "<time>", "type": "<kind>", ...the request's fields}.
 * Kinds and the requests they become are in s_kinds below; consecutive lines of a batchable
 * kind (check-ins, duty in/out) within one step go as one request. A line may carry "ref": the
 * id its reply returns is remembered, and "${REF}" in a later line's strings is replaced by it
 * (a visit recorded on an incident whose id intake gave). Before the clock passes a step
 * boundary the player waits until every service has published and consumed everything
 * (their health answers' queue depths are all 0), so effects land at their simulated time.
 * A refused batch is retried line by line; refused lines are reported with their line number
 * and the service's reason, and the play goes on. */
#include "fcctl.h"
#include "fc/v1/common.pb-c.h"
#include "fc/v1/intake.pb-c.h"
#include "fc/v1/notify.pb-c.h"
#include "fc/v1/rotation.pb-c.h"
#include "fc_clock.h"
#include "fc_endpoints.h"
#include "fc_health.h"
#include "fc_mem.h"
#include "fc_pbjson.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct {
    const char *type;       /* in the script */
    const char *service;
    const char *rpc;
    const ProtobufCMessageDescriptor *req_desc, *reply_desc;
    const char *list;       /* the request's repeated field that batches lines, or NULL */
    const char *wrap;       /* the request's message field that holds the line, or NULL */
    const char *time_field; /* where "at" goes, in microseconds, or NULL */
    const char *ref_field;  /* the reply's id recorded under the line's "ref", or NULL */
    const char *label;      /* for the summary */
} s_kind_t;

static const s_kind_t s_kinds[] = {
    {"checkin", "intake", "intake.health_checkin", &fc__v1__health_checkin_request__descriptor,
     &fc__v1__health_checkin_reply__descriptor, "checkins", NULL, "at_us", NULL, "健康打卡"},
    {"duty_in", "intake", "intake.duty_checkin", &fc__v1__duty_checkin_request__descriptor,
     &fc__v1__duty_checkin_reply__descriptor, "checkins", NULL, "at_us", NULL, "上岗签到"},
    {"duty_out", "intake", "intake.duty_checkout", &fc__v1__duty_checkout_request__descriptor,
     &fc__v1__duty_checkout_reply__descriptor, "checkouts", NULL, "at_us", NULL, "下岗签退"},
    {"incident", "intake", "intake.incident", &fc__v1__incident_request__descriptor,
     &fc__v1__incident_reply__descriptor, NULL, NULL, "at_us", "incident_id", "意外事件"},
    {"health_status", "intake", "intake.health_status", &fc__v1__health_status_request__descriptor,
     &fc__v1__health_status_reply__descriptor, NULL, NULL, "at_us", NULL, "健康状态变更"},
    {"hardship", "intake", "intake.hardship_open", &fc__v1__hardship_open_request__descriptor,
     &fc__v1__hardship_open_reply__descriptor, NULL, "hardship", "at_us", "case_id", "困难登记"},
    {"weekly_report", "intake", "intake.weekly_report", &fc__v1__weekly_report_request__descriptor,
     &fc__v1__weekly_report_reply__descriptor, NULL, "report", NULL, "report_id", "班子成员周报"},
    {"roster_plan", "rotation", "rotation.roster_plan", &fc__v1__roster_plan_request__descriptor,
     &fc__v1__roster_plan_reply__descriptor, NULL, NULL, NULL, NULL, "排班"},
    {"task_done", "notify", "notify.task_done", &fc__v1__task_done_request__descriptor,
     &fc__v1__task_done_reply__descriptor, NULL, NULL, "at_us", NULL, "任务办结"},
    {"secretary", "notify", "notify.secretary_set", &fc__v1__secretary_set_request__descriptor,
     &fc__v1__secretary_set_reply__descriptor, NULL, NULL, NULL, NULL, "支部书记设置"},
};
enum { S_NKINDS = sizeof s_kinds / sizeof s_kinds[0], S_MAX_BATCH = 5000 };
static const char *s_services[] = {"intake", "rotation", "welfare", "notify", "report"};
enum { S_NSERVICES = sizeof s_services / sizeof s_services[0] };

typedef struct {
    char *name, *value;
} s_ref_t;

typedef struct {
    fcctl_t *ctl;
    const char *clock_path;
    int64_t step_us, clock_us, wait_ms;
    fc_rpc_client_t *clients[S_NSERVICES];
    /* the batch being gathered: lines of one batchable kind */
    const s_kind_t *batch_kind;
    json_t *batch;          /* array of items */
    long *batch_lines;      /* their line numbers */
    int64_t batch_last_us;
    s_ref_t *refs;
    size_t nrefs, cap_refs;
    long sent[S_NKINDS], refused[S_NKINDS];
    long shown;             /* refusals printed so far */
    int verbose;
} s_play_t;

static const s_kind_t *s_kind(const char *type)
{
    for (size_t i = 0; type && i < S_NKINDS; i++)
        if (strcmp(s_kinds[i].type, type) == 0)
            return &s_kinds[i];
    return NULL;
}

static fc_rpc_client_t *s_client(s_play_t *p, const char *service)
{
    for (size_t i = 0; i < S_NSERVICES; i++)
        if (strcmp(s_services[i], service) == 0) {
            if (!p->clients[i]) {
                fc_rpc_client_opts_t o = {p->ctl->actor, p->ctl->role, p->ctl->scope,
                                          p->ctl->timeout_ms, 2, NULL};
                p->clients[i] = fc_rpc_client_new(p->ctl->zmq, fc_endpoint_of(service), &o);
            }
            return p->clients[i];
        }
    return NULL;
}

/* Writes the simulated time into the clock file (atomically: a reader sees the old or new). */
static int s_set_clock(s_play_t *p, int64_t us)
{
    if (us <= p->clock_us)
        return FCCTL_OK;
    char *tmp = fc_xasprintf("%s.tmp", p->clock_path);
    FILE *f = fopen(tmp, "w");
    int ok = f && fprintf(f, "%" PRId64 "\n", us) > 0;
    if (f && fclose(f) != 0)
        ok = 0;
    if (ok && rename(tmp, p->clock_path) != 0)
        ok = 0;
    if (!ok)
        fprintf(stderr, "fcctl: --clock-file: cannot write \"%s\": %s\n", p->clock_path,
                strerror(errno));
    free(tmp);
    if (ok)
        p->clock_us = us;
    return ok ? FCCTL_OK : FCCTL_EFAIL;
}

static void s_sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Waits until every service has nothing left to publish or consume. 1 when quiet, 0 after
 * wait_ms (the play goes on; the summary says so). */
static int s_wait_quiet(s_play_t *p)
{
    int64_t deadline = fc_clock_mono_ms() + p->wait_ms;
    for (int quiet_rounds = 0;;) {
        long long queued = 0;
        int down = 0;
        for (size_t i = 0; i < S_NSERVICES; i++) {
            Fc__V1__HealthReply *h = NULL;
            fc_err_t err;
            fc_err_clear(&err);
            if (fc_health_query(p->ctl->zmq, fc_endpoint_of(s_services[i]), 2000, &h, &err) !=
                FC_OK) {
                down++;
                continue;
            }
            for (size_t q = 0; q < h->n_queues; q++)
                queued += h->queues[q]->depth > 0 ? h->queues[q]->depth : 0;
            fc__v1__health_reply__free_unpacked(h, NULL);
        }
        /* twice quiet in a row: an event relayed between two answers is not missed */
        quiet_rounds = !down && queued == 0 ? quiet_rounds + 1 : 0;
        if (quiet_rounds == 2)
            return 1;
        if (fc_clock_mono_ms() > deadline)
            return 0;
        s_sleep_ms(quiet_rounds ? 2 : 10);
    }
}

static const char *s_ref_get(const s_play_t *p, const char *name, size_t len)
{
    for (size_t i = 0; i < p->nrefs; i++)
        if (strlen(p->refs[i].name) == len && memcmp(p->refs[i].name, name, len) == 0)
            return p->refs[i].value;
    return NULL;
}

static void s_ref_put(s_play_t *p, const char *name, const char *value)
{
    if (p->nrefs == p->cap_refs) {
        p->cap_refs = p->cap_refs ? p->cap_refs * 2 : 64;
        p->refs = fc_xrealloc(p->refs, p->cap_refs * sizeof *p->refs);
    }
    p->refs[p->nrefs].name = fc_xstrdup(name);
    p->refs[p->nrefs].value = fc_xstrdup(value);
    p->nrefs++;
}

/* Replaces "${REF}" in every string value of obj; 0 with *missing set if a ref is unknown. */
static int s_substitute(s_play_t *p, json_t *obj, const char **missing)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v)
    {
        const char *s = json_string_value(v);
        if (!s || !strstr(s, "${"))
            continue;
        fc_buf_t out;
        fc_buf_init(&out);
        while (*s) {
            const char *open = strstr(s, "${"), *close = open ? strchr(open, '}') : NULL;
            if (!open || !close) {
                fc_buf_append(&out, s, strlen(s));
                break;
            }
            fc_buf_append(&out, s, (size_t)(open - s));
            const char *val = s_ref_get(p, open + 2, (size_t)(close - open - 2));
            if (!val) {
                *missing = key;
                fc_buf_fini(&out);
                return 0;
            }
            fc_buf_append(&out, val, strlen(val));
            s = close + 1;
        }
        fc_buf_append(&out, "", 1);
        json_object_set_new(obj, key, json_string(out.data));
        fc_buf_fini(&out);
    }
    return 1;
}

static void s_refused(s_play_t *p, const s_kind_t *k, long line, const fc_err_t *err)
{
    p->refused[k - s_kinds]++;
    if (p->shown++ < 20 || p->verbose)
        fprintf(stderr, "fcctl play: line %ld (%s): refused: %s%s%s\n", line, k->type,
                err->field[0] ? err->field : "", err->field[0] ? ": " : "", err->message);
    else if (p->shown == 21)
        fprintf(stderr, "fcctl play: more refusals not shown (--verbose shows all)\n");
}

/* Sends one request made of items (a JSON array for a batchable kind, else one object).
 * Records the reply's id under ref when the kind has one. */
static int s_send(s_play_t *p, const s_kind_t *k, json_t *items, const char *ref,
                  fc_err_t *err)
{
    json_t *req;
    if (k->list)
        req = json_pack("{sO}", k->list, items);
    else if (k->wrap)
        req = json_pack("{sO}", k->wrap, items);
    else
        req = json_incref(items);
    ProtobufCMessage *msg = fc_pbjson_to_message(k->req_desc, req, err), *reply = NULL;
    json_decref(req);
    if (!msg)
        return err->code ? err->code : FC_EINVAL;
    fc_rpc_client_t *c = s_client(p, k->service);
    int rc = c ? fc_rpc_call(c, k->rpc, msg, k->reply_desc, &reply, NULL, err)
               : fc_err_set(err, FC_EUNAVAIL, "endpoint", "cannot reach %s", k->service);
    protobuf_c_message_free_unpacked(msg, NULL);
    if (rc == FC_OK && ref && k->ref_field) {
        json_t *r = fc_pbjson_from_message(reply);
        json_t *id = json_object_get(r, k->ref_field);
        char buf[32];
        snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT, json_integer_value(id));
        s_ref_put(p, ref, buf);
        json_decref(r);
    }
    if (reply)
        protobuf_c_message_free_unpacked(reply, NULL);
    return rc;
}

/* 1 (and says so) if the service did not answer: the play cannot go on. */
static int s_unanswered(int rc, const s_kind_t *k, const fc_err_t *err)
{
    if (rc != FC_EUNAVAIL && rc != FC_ETIMEOUT)
        return 0;
    fprintf(stderr, "fcctl play: %s did not answer: %s\n", k->service, err->message);
    return 1;
}

/* Sends one script line (items: the line, or a one-line batch) and counts it sent or refused.
 * FCCTL_EUNAVAIL if the service did not answer. */
static int s_send_line(s_play_t *p, const s_kind_t *k, json_t *items, const char *ref, long line)
{
    fc_err_t err;
    fc_err_clear(&err);
    int rc = s_send(p, k, items, ref, &err);
    if (rc == FC_OK)
        p->sent[k - s_kinds]++;
    else if (s_unanswered(rc, k, &err))
        return FCCTL_EUNAVAIL;
    else
        s_refused(p, k, line, &err);
    return FCCTL_OK;
}

/* Sends the gathered batch; on a refusal, line by line so only the bad lines are lost. */
static int s_flush(s_play_t *p)
{
    const s_kind_t *k = p->batch_kind;
    size_t n = json_array_size(p->batch);
    int rc = FCCTL_OK;
    if (!k || n == 0)
        goto out;
    if ((rc = s_set_clock(p, p->batch_last_us)) != FCCTL_OK)
        goto out;
    fc_err_t err;
    fc_err_clear(&err);
    int src = s_send(p, k, p->batch, NULL, &err);
    if (src == FC_OK) {
        p->sent[k - s_kinds] += (long)n;
        goto out;
    }
    if (s_unanswered(src, k, &err)) {
        rc = FCCTL_EUNAVAIL;
        goto out;
    }
    for (size_t i = 0; i < n && rc == FCCTL_OK; i++) {
        json_t *one = json_array();
        json_array_append(one, json_array_get(p->batch, i));
        rc = s_send_line(p, k, one, NULL, p->batch_lines[i]);
        json_decref(one);
    }
out:
    json_array_clear(p->batch);
    p->batch_kind = NULL;
    return rc;
}

static void s_summary(const s_play_t *p, double real_s, int64_t first_us, int64_t last_us,
                      int not_quiet)
{
    long sent = 0, refused = 0;
    printf("  %-14s %-8s %s\n", "类型", "已提交", "被拒绝");
    for (size_t i = 0; i < S_NKINDS; i++) {
        if (!p->sent[i] && !p->refused[i])
            continue;
        printf("  %-14s %-8ld %ld\n", s_kinds[i].type, p->sent[i], p->refused[i]);
        sent += p->sent[i];
        refused += p->refused[i];
    }
    char a[40], b[40];
    fc_time_format_local(first_us, a, sizeof a);
    fc_time_format_local(last_us, b, sizeof b);
    printf("  共 %ld 条提交、%ld 条被拒绝；模拟时间 %s → %s，实际用时 %.1f 秒%s\n", sent, refused,
           a, b, real_s, not_quiet ? "（有服务未能在等待时间内处理完事件，见日志）" : "");
}

static int cmd_play(fcctl_t *ctl, int argc, char **argv)
{
    s_play_t p = {.ctl = ctl, .step_us = 3600 * FC_US_PER_S, .wait_ms = 120000};
    const char *until_s = NULL;
    static const struct option opts[] = {{"clock-file", required_argument, NULL, 'c'},
                                         {"step-minutes", required_argument, NULL, 's'},
                                         {"wait-s", required_argument, NULL, 'w'},
                                         {"until", required_argument, NULL, 'u'},
                                         {"verbose", no_argument, NULL, 'v'},
                                         {0}};
    int c;
    while ((c = getopt_long(argc, argv, "c:s:w:u:v", opts, NULL)) != -1) {
        switch (c) {
        case 'c': p.clock_path = optarg; break;
        case 's': p.step_us = atoll(optarg) * 60 * FC_US_PER_S; break;
        case 'w': p.wait_ms = atoll(optarg) * 1000; break;
        case 'u': until_s = optarg; break;
        case 'v': p.verbose = 1; break;
        default: return FCCTL_EUSAGE;
        }
    }
    if (optind + 1 != argc || !p.clock_path || p.step_us <= 0 || p.wait_ms <= 0) {
        fprintf(stderr, "fcctl play: usage: play EVENTS.jsonl --clock-file PATH "
                        "[--step-minutes N] [--wait-s N] [--until TIME] [--verbose]\n");
        return FCCTL_EUSAGE;
    }
    if (fcctl_transport_http()) {
        fprintf(stderr, "fcctl play: talks to the services directly (ZeroMQ); unset "
                        "FC_GATEWAY_URL\n");
        return FCCTL_EUSAGE;
    }
    int64_t until_us = 0;
    fc_err_t err;
    fc_err_clear(&err);
    if (until_s && fc_time_parse(until_s, &until_us, &err) != FC_OK) {
        fprintf(stderr, "fcctl: --until: %s\n", err.message);
        return FCCTL_EUSAGE;
    }
    FILE *f = strcmp(argv[optind], "-") == 0 ? stdin : fopen(argv[optind], "r");
    if (!f) {
        fprintf(stderr, "fcctl: %s: %s\n", argv[optind], strerror(errno));
        return FCCTL_EUSAGE;
    }
    p.batch = json_array();
    p.batch_lines = fc_xcalloc(S_MAX_BATCH, sizeof *p.batch_lines);
    int rc = FCCTL_OK, not_quiet = 0;
    int64_t step = -1, first_us = 0, last_us = 0, day = INT64_MIN;
    double t0 = (double)fc_clock_mono_ms();
    char *line = NULL;
    size_t cap = 0;
    long lineno = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, f)) > 0) {
        lineno++;
        if (len <= 1)
            continue;
        json_error_t jerr;
        json_t *ev = json_loads(line, 0, &jerr);
        const char *type = json_string_value(json_object_get(ev, "type"));
        const char *at_s = json_string_value(json_object_get(ev, "at"));
        const s_kind_t *k = s_kind(type);
        int64_t at = 0;
        fc_err_t terr;
        fc_err_clear(&terr);
        if (!ev || !json_is_object(ev) || !k || !at_s ||
            fc_time_parse(at_s, &at, &terr) != FC_OK) {
            fprintf(stderr, "fcctl play: line %ld: %s\n", lineno,
                    !ev ? jerr.text
                    : !json_is_object(ev) ? "not a JSON object"
                    : !at_s ? "\"at\": missing"
                    : !k ? "\"type\": unknown kind"
                         : terr.message);
            json_decref(ev);
            rc = FCCTL_EREJECTED;
            break;
        }
        if (until_us && at > until_us) {
            json_decref(ev);
            break;
        }
        if (at < last_us) {
            fprintf(stderr, "fcctl play: line %ld: \"at\": earlier than the line before\n",
                    lineno);
            json_decref(ev);
            rc = FCCTL_EREJECTED;
            break;
        }
        if (!first_us)
            first_us = at;
        last_us = at;
        /* a new step: what is gathered goes first, then the system settles at its time */
        if (at / p.step_us != step) {
            if ((rc = s_flush(&p)) != FCCTL_OK) {
                json_decref(ev);
                break;
            }
            /* the first time too: what was done before the play (an import) settles first */
            if (step >= 0 && (rc = s_set_clock(&p, (at / p.step_us) * p.step_us)) != FCCTL_OK) {
                json_decref(ev);
                break;
            }
            not_quiet += !s_wait_quiet(&p);
            step = at / p.step_us;
            int64_t d = fc_time_local_day(at);
            if (d != day) {
                if (day != INT64_MIN) {
                    char when[40];
                    fc_time_format_local(at, when, sizeof when);
                    long n = 0;
                    for (size_t i = 0; i < S_NKINDS; i++)
                        n += p.sent[i];
                    printf("  %.10s  累计提交 %ld 条  用时 %.1f 秒\n", when, n,
                           ((double)fc_clock_mono_ms() - t0) / 1000.0);
                    fflush(stdout);
                }
                day = d;
            }
        }
        const char *ref = json_string_value(json_object_get(ev, "ref"));
        char *ref_copy = ref ? fc_xstrdup(ref) : NULL;
        json_object_del(ev, "at");
        json_object_del(ev, "type");
        json_object_del(ev, "ref");
        const char *missing = NULL;
        if (!s_substitute(&p, ev, &missing)) {
            fc_err_set(&err, FC_EINVAL, missing, "refers to an unknown ref");
            s_refused(&p, k, lineno, &err);
            free(ref_copy);
            json_decref(ev);
            continue;
        }
        if (k->time_field)
            json_object_set_new(ev, k->time_field, json_integer(at));
        if (k->list) {
            if (p.batch_kind != k || json_array_size(p.batch) >= S_MAX_BATCH)
                if ((rc = s_flush(&p)) != FCCTL_OK) {
                    free(ref_copy);
                    json_decref(ev);
                    break;
                }
            p.batch_kind = k;
            p.batch_lines[json_array_size(p.batch)] = lineno;
            json_array_append_new(p.batch, ev);
            p.batch_last_us = at;
            free(ref_copy);
            continue;
        }
        if ((rc = s_flush(&p)) == FCCTL_OK)
            rc = s_set_clock(&p, at);
        if (rc == FCCTL_OK)
            rc = s_send_line(&p, k, ev, ref_copy, lineno);
        free(ref_copy);
        json_decref(ev);
        if (rc != FCCTL_OK)
            break;
    }
    if (ferror(f)) {
        fprintf(stderr, "fcctl play: %s: read error\n", argv[optind]);
        rc = FCCTL_EFAIL;
    }
    if (rc == FCCTL_OK)
        rc = s_flush(&p);
    if (rc == FCCTL_OK) {
        rc = s_set_clock(&p, last_us + p.step_us);
        not_quiet += !s_wait_quiet(&p);
    }
    if (rc == FCCTL_OK || rc == FCCTL_EREJECTED)
        s_summary(&p, ((double)fc_clock_mono_ms() - t0) / 1000.0, first_us, last_us, not_quiet);
    free(line);
    if (f != stdin)
        fclose(f);
    for (size_t i = 0; i < S_NSERVICES; i++)
        fc_rpc_client_destroy(&p.clients[i]);
    for (size_t i = 0; i < p.nrefs; i++) {
        free(p.refs[i].name);
        free(p.refs[i].value);
    }
    free(p.refs);
    free(p.batch_lines);
    json_decref(p.batch);
    return rc;
}

const fcctl_cmd_t fcctl_play_cmds[] = {
    {"play", "play EVENTS.jsonl --clock-file PATH [--step-minutes 60] [--wait-s 120] "
             "[--until TIME] [--verbose]",
     "plays an event script in time order through the services, moving the file clock they "
     "run on (FC_CLOCK=file:PATH); refused lines are reported and skipped",
     cmd_play},
    {NULL, NULL, NULL, NULL},
};

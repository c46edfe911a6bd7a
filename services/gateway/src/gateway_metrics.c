/* gateway_metrics: counters in a fixed grid of (route slot, status slot) cells. */
#include "gateway_metrics.h"
#include "gateway_routes.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const unsigned s_statuses[] = {200, 400, 401, 403, 404, 405, 409, 413, 429, 500, 503, 504};
#define S_NSTATUS (sizeof s_statuses / sizeof s_statuses[0] + 1) /* + "other" */
/* upper bounds in microseconds; the last bucket is +Inf */
static const int64_t s_bounds_us[] = {1000,   2500,   5000,    10000,   25000,   50000,   100000,
                                      250000, 500000, 1000000, 2500000, 5000000, 10000000};
static const char *s_bounds_text[] = {"0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1",
                                      "0.25",  "0.5",    "1",     "2.5",  "5",     "10"};
#define S_NBOUNDS (sizeof s_bounds_us / sizeof s_bounds_us[0])

typedef struct {
    atomic_llong count;
    atomic_llong sum_us;
    atomic_llong buckets[S_NBOUNDS + 1];
} s_cell_t;

struct gateway_metrics {
    size_t nslots;
    s_cell_t *cells; /* nslots x S_NSTATUS */
    atomic_llong audit_failures;
};

gateway_metrics_t *gateway_metrics_new(void)
{
    gateway_metrics_t *self = fc_xcalloc(1, sizeof *self);
    self->nslots = gateway_nroutes + GW_METRIC_SPECIALS;
    self->cells = fc_xcalloc(self->nslots * S_NSTATUS, sizeof *self->cells);
    return self;
}

void gateway_metrics_destroy(gateway_metrics_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    free((*self_p)->cells);
    free(*self_p);
    *self_p = NULL;
}

static size_t s_status_slot(unsigned status)
{
    for (size_t i = 0; i < S_NSTATUS - 1; i++)
        if (s_statuses[i] == status)
            return i;
    return S_NSTATUS - 1;
}

void gateway_metrics_observe(gateway_metrics_t *self, size_t slot, unsigned status,
                             int64_t elapsed_us)
{
    if (slot >= self->nslots)
        slot = gateway_nroutes + GW_METRIC_OTHER;
    s_cell_t *c = &self->cells[slot * S_NSTATUS + s_status_slot(status)];
    size_t b = 0;
    while (b < S_NBOUNDS && elapsed_us > s_bounds_us[b])
        b++;
    atomic_fetch_add_explicit(&c->buckets[b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&c->sum_us, elapsed_us, memory_order_relaxed);
    atomic_fetch_add_explicit(&c->count, 1, memory_order_relaxed);
}

void gateway_metrics_count_audit_failure(gateway_metrics_t *self)
{
    atomic_fetch_add(&self->audit_failures, 1);
}

static const char *s_slot_name(size_t slot, char *buf, size_t n)
{
    static const char *specials[] = {"/healthz", "/metrics", "/openapi.json", "other"};
    if (slot < gateway_nroutes)
        return gateway_route_path(&gateway_routes[slot], buf, n);
    return specials[slot - gateway_nroutes];
}

static void s_status_text(size_t s, char *buf, size_t n)
{
    if (s < S_NSTATUS - 1)
        snprintf(buf, n, "%u", s_statuses[s]);
    else
        snprintf(buf, n, "other");
}

static void s_render_requests(gateway_metrics_t *self, fc_buf_t *out)
{
    fc_buf_puts(out, "# HELP fc_gateway_requests_total HTTP requests answered, by route and "
                     "status.\n# TYPE fc_gateway_requests_total counter\n");
    char route[128], status[16];
    for (size_t r = 0; r < self->nslots; r++)
        for (size_t s = 0; s < S_NSTATUS; s++) {
            long long n = atomic_load(&self->cells[r * S_NSTATUS + s].count);
            if (!n)
                continue;
            s_status_text(s, status, sizeof status);
            fc_buf_printf(out, "fc_gateway_requests_total{route=\"%s\",status=\"%s\"} %lld\n",
                          s_slot_name(r, route, sizeof route), status, n);
        }
    fc_buf_puts(out, "# HELP fc_gateway_request_duration_seconds Time from the last byte of the "
                     "request to the reply, by route and status.\n"
                     "# TYPE fc_gateway_request_duration_seconds histogram\n");
    for (size_t r = 0; r < self->nslots; r++)
        for (size_t s = 0; s < S_NSTATUS; s++) {
            s_cell_t *c = &self->cells[r * S_NSTATUS + s];
            long long n = atomic_load(&c->count);
            if (!n)
                continue;
            s_slot_name(r, route, sizeof route);
            s_status_text(s, status, sizeof status);
            long long cum = 0;
            for (size_t b = 0; b <= S_NBOUNDS; b++) {
                cum += atomic_load(&c->buckets[b]);
                fc_buf_printf(out,
                              "fc_gateway_request_duration_seconds_bucket{route=\"%s\","
                              "status=\"%s\",le=\"%s\"} %lld\n",
                              route, status, b < S_NBOUNDS ? s_bounds_text[b] : "+Inf", cum);
            }
            long long sum = atomic_load(&c->sum_us);
            fc_buf_printf(out,
                          "fc_gateway_request_duration_seconds_sum{route=\"%s\",status=\"%s\"} "
                          "%lld.%06lld\n",
                          route, status, sum / 1000000, sum % 1000000);
            fc_buf_printf(out,
                          "fc_gateway_request_duration_seconds_count{route=\"%s\",status=\"%s\"} "
                          "%lld\n",
                          route, status, n);
        }
}

/* Label values come from services: escape what the text format requires. */
static void s_label(fc_buf_t *out, const char *v)
{
    for (; v && *v; v++) {
        if (*v == '\\' || *v == '"')
            fc_buf_printf(out, "\\%c", *v);
        else if (*v == '\n')
            fc_buf_puts(out, "\\n");
        else
            fc_buf_append(out, v, 1);
    }
}

static void s_render_services(fc_buf_t *out, const json_t *health)
{
    static const struct {
        const char *metric, *key, *type, *help;
    } simple[] = {
        {"fc_service_requests_total", "requests", "counter", "Requests the service handled."},
        {"fc_service_events_published_total", "events_published", "counter",
         "Events the service published since it started."},
        {"fc_service_events_consumed_total", "events_consumed", "counter",
         "Events the service applied since it started."},
        {"fc_service_uptime_seconds", "uptime_s", "gauge", "Seconds since the service started."},
    };
    const char *name;
    json_t *h;
    fc_buf_puts(out, "# HELP fc_service_up 1 if the service answered its health request with "
                     "its database and Redis reachable.\n# TYPE fc_service_up gauge\n");
    json_object_foreach((json_t *)health, name, h)
    {
        int up = !json_object_get(h, "error") && json_is_true(json_object_get(h, "db_ok")) &&
                 json_is_true(json_object_get(h, "redis_ok"));
        fc_buf_puts(out, "fc_service_up{service=\"");
        s_label(out, name);
        fc_buf_printf(out, "\"} %d\n", up);
    }
    for (size_t m = 0; m < sizeof simple / sizeof simple[0]; m++) {
        fc_buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", simple[m].metric, simple[m].help,
                      simple[m].metric, simple[m].type);
        json_object_foreach((json_t *)health, name, h)
        {
            json_t *v = json_object_get(h, simple[m].key);
            if (!json_is_integer(v))
                continue;
            fc_buf_printf(out, "%s{service=\"", simple[m].metric);
            s_label(out, name);
            fc_buf_printf(out, "\"} %lld\n", (long long)json_integer_value(v));
        }
    }
    /* queues: every depth a service reports; dead-letter queues also as their own metric */
    for (int dead = 0; dead < 2; dead++) {
        const char *metric = dead ? "fc_service_jobs_dead_lettered" : "fc_service_queue_depth";
        fc_buf_printf(out, "# HELP %s %s\n# TYPE %s gauge\n", metric,
                      dead ? "Jobs or events in a dead-letter queue a service reports."
                           : "Entries waiting in each queue a service reports (-1: unknown).",
                      metric);
        json_object_foreach((json_t *)health, name, h)
        {
            size_t i;
            json_t *q;
            json_array_foreach(json_object_get(h, "queues"), i, q)
            {
                const char *qn = json_string_value(json_object_get(q, "name"));
                if (!qn || (dead && !strstr(qn, "dead")))
                    continue;
                fc_buf_printf(out, "%s{service=\"", metric);
                s_label(out, name);
                fc_buf_puts(out, "\",queue=\"");
                s_label(out, qn);
                fc_buf_printf(out, "\"} %lld\n",
                              (long long)json_integer_value(json_object_get(q, "depth")));
            }
        }
    }
}

void gateway_metrics_render(gateway_metrics_t *self, fc_buf_t *out, const json_t *health,
                            long long rate_limited, long long queued)
{
    s_render_requests(self, out);
    fc_buf_printf(out,
                  "# HELP fc_gateway_queue_depth Requests waiting for an upstream worker.\n"
                  "# TYPE fc_gateway_queue_depth gauge\nfc_gateway_queue_depth %lld\n",
                  queued);
    fc_buf_printf(out,
                  "# HELP fc_gateway_rate_limited_total Requests refused with 429 by the per-token "
                  "rate limit.\n# TYPE fc_gateway_rate_limited_total counter\n"
                  "fc_gateway_rate_limited_total %lld\n",
                  rate_limited);
    fc_buf_printf(out,
                  "# HELP fc_gateway_audit_failures_total Requests refused because their audit "
                  "row could not be written.\n# TYPE fc_gateway_audit_failures_total counter\n"
                  "fc_gateway_audit_failures_total %lld\n",
                  (long long)atomic_load(&self->audit_failures));
    if (health)
        s_render_services(out, health);
}

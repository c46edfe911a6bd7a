/* fcctl_health: `fcctl health` — every service's health answer. */
#include "fcctl.h"
#include "fc_health.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmd_health(fcctl_t *ctl, int argc, char **argv)
{
    const char *only = NULL;
    static const struct option opts[] = {{"service", required_argument, NULL, 's'}, {0}};
    int c;
    while ((c = getopt_long(argc, argv, "s:", opts, NULL)) != -1) {
        if (c == 's')
            only = optarg;
        else
            return FCCTL_EUSAGE;
    }
    int ok = 0;
    json_t *all = fc_health_all(ctl->zmq, only, ctl->timeout_ms, &ok);
    if (json_object_size(all) == 0) {
        fprintf(stderr, "fcctl: --service: unknown service \"%s\"\n", only);
        json_decref(all);
        return FCCTL_EUSAGE;
    }
    if (ctl->json) {
        char *s = json_dumps(all, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        puts(s);
        free(s);
    } else {
        printf("%-9s %-6s %-8s %-4s %-5s %-9s %-8s %-8s %s\n", "SERVICE", "STATE", "VERSION",
               "DB", "REDIS", "UPTIME_S", "REQS", "QUEUED", "ENDPOINT");
        const char *name;
        json_t *h;
        json_object_foreach(all, name, h)
        {
            const char *ep = json_string_value(json_object_get(h, "endpoint"));
            json_t *e = json_object_get(h, "error");
            if (e) {
                printf("%-9s %-6s %s (%s)\n", name, "DOWN", ep, json_string_value(e));
                continue;
            }
            long long queued = 0;
            size_t i;
            json_t *q;
            json_array_foreach(json_object_get(h, "queues"), i, q)
            {
                long long d = json_integer_value(json_object_get(q, "depth"));
                queued += d > 0 ? d : 0;
            }
            int db = json_is_true(json_object_get(h, "db_ok"));
            int rd = json_is_true(json_object_get(h, "redis_ok"));
            printf("%-9s %-6s %-8s %-4s %-5s %-9lld %-8lld %-8lld %s\n", name,
                   db && rd ? "UP" : "DEGR", json_string_value(json_object_get(h, "version")),
                   db ? "ok" : "FAIL", rd ? "ok" : "FAIL",
                   (long long)json_integer_value(json_object_get(h, "uptime_s")),
                   (long long)json_integer_value(json_object_get(h, "requests")), queued, ep);
        }
    }
    json_decref(all);
    return ok ? FCCTL_OK : FCCTL_EUNAVAIL;
}

const fcctl_cmd_t fcctl_health_cmds[] = {
    {"health", "health [--service NAME]",
     "asks every service (or one) for its health; exit 3 if any is down", cmd_health},
    {NULL, NULL, NULL, NULL},
};

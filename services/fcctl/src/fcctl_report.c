/* fcctl_report: weekly reports: generate one now, fetch a stored version, list versions, each
 * written as JSON, CSV (one file per table in a directory), XLSX or HTML. */
#include "fcctl.h"
#include "fc/v1/report.pb-c.h"
#include "fc_clock.h"
#include "fc_pbjson.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FCCTL_REPORT_TIMEOUT_MS 120000 /* a group-wide week takes seconds to build */

typedef struct {
    const char *week, *org, *format, *out;
    int version;
    long long id;
} s_args_t;

static int s_parse(int argc, char **argv, s_args_t *a, int with_version)
{
    static const struct option opts[] = {{"week", required_argument, NULL, 'w'},
                                         {"org", required_argument, NULL, 'g'},
                                         {"format", required_argument, NULL, 'f'},
                                         {"output", required_argument, NULL, 'o'},
                                         {"version", required_argument, NULL, 'v'},
                                         {"id", required_argument, NULL, 'i'},
                                         {0}};
    memset(a, 0, sizeof *a);
    a->format = "json";
    a->org = "";
    int c;
    while ((c = getopt_long(argc, argv, "w:g:f:o:v:i:", opts, NULL)) != -1) {
        char *end = NULL;
        switch (c) {
        case 'w':
            a->week = optarg;
            break;
        case 'g':
            a->org = optarg;
            break;
        case 'f':
            a->format = optarg;
            break;
        case 'o':
            a->out = optarg;
            break;
        case 'v':
            if (!with_version)
                return FCCTL_EUSAGE;
            a->version = (int)strtol(optarg, &end, 10);
            if (!*optarg || *end || a->version < 1) {
                fprintf(stderr, "fcctl: --version: “%s”不是正整数\n", optarg);
                return FCCTL_EUSAGE;
            }
            break;
        case 'i':
            if (!with_version)
                return FCCTL_EUSAGE;
            a->id = strtoll(optarg, &end, 10);
            if (!*optarg || *end || a->id < 1) {
                fprintf(stderr, "fcctl: --id: “%s”不是正整数\n", optarg);
                return FCCTL_EUSAGE;
            }
            break;
        default:
            return FCCTL_EUSAGE;
        }
    }
    if (optind != argc)
        return FCCTL_EUSAGE;
    if (strcmp(a->format, "json") && strcmp(a->format, "csv") && strcmp(a->format, "xlsx") &&
        strcmp(a->format, "html")) {
        fprintf(stderr, "fcctl: --format: “%s”无效，应为 json、csv、xlsx 或 html\n", a->format);
        return FCCTL_EUSAGE;
    }
    if ((!strcmp(a->format, "csv") || !strcmp(a->format, "xlsx")) &&
        (!a->out || !strcmp(a->out, "-"))) {
        fprintf(stderr, "fcctl: -o: %s 格式须用 -o 指定输出%s\n", a->format,
                strcmp(a->format, "csv") ? "文件" : "目录");
        return FCCTL_EUSAGE;
    }
    return FCCTL_OK;
}

/* Checks before any work that the output can be written: a file whose directory exists and is
 * writable (csv: a directory, created if its parent exists). */
static int s_check_output(const s_args_t *a)
{
    if (!a->out || !strcmp(a->out, "-"))
        return FCCTL_OK;
    struct stat st;
    const char *why = NULL;
    if (!strcmp(a->format, "csv")) {
        if (stat(a->out, &st) == 0) {
            if (!S_ISDIR(st.st_mode))
                why = "已存在且不是目录";
            else if (access(a->out, W_OK) != 0)
                why = strerror(errno);
        } else if (mkdir(a->out, 0755) != 0) {
            why = strerror(errno);
        }
    } else {
        char dir[PATH_MAX];
        snprintf(dir, sizeof dir, "%s", a->out);
        char *slash = strrchr(dir, '/');
        if (slash == dir)
            dir[1] = '\0';
        else if (slash)
            *slash = '\0';
        else
            snprintf(dir, sizeof dir, ".");
        if (stat(a->out, &st) == 0 && S_ISDIR(st.st_mode))
            why = "是一个目录";
        else if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
            why = "所在目录不存在";
        else if (access(dir, W_OK) != 0 || (access(a->out, F_OK) == 0 && access(a->out, W_OK) != 0))
            why = "没有写权限";
    }
    if (!why)
        return FCCTL_OK;
    fprintf(stderr, "fcctl: -o: 无法写入“%s”：%s\n", a->out, why);
    return FCCTL_EUSAGE;
}

/* Writes data to path through a temporary file renamed into place. */
static int s_write_file(const char *path, const void *data, size_t len)
{
    char *tmp = NULL;
    int rc = FCCTL_EFAIL;
    if (asprintf(&tmp, "%s.tmp.%d", path, (int)getpid()) < 0)
        return FCCTL_EFAIL;
    FILE *f = fopen(tmp, "wb");
    if (f && fwrite(data, 1, len, f) == len && fclose(f) == 0) {
        f = NULL;
        if (rename(tmp, path) == 0)
            rc = FCCTL_OK;
    }
    if (f)
        fclose(f);
    if (rc != FCCTL_OK) {
        fprintf(stderr, "fcctl: -o: 无法写入“%s”：%s\n", path, strerror(errno));
        unlink(tmp);
    }
    free(tmp);
    return rc;
}

static void s_summary(const Fc__V1__ReportMeta *m, const char *verb, const char *where)
{
    printf("%s %s %s%s%s 第 %d 版（%s", verb, m->iso_week, m->org_name, *m->org_code ? " " : "",
           m->org_code, m->version, !strcmp(m->completeness, "complete") ? "完整" : "不完整：缺");
    for (size_t i = 0; i < m->n_missing_sections; i++)
        printf("%s%s", i ? "、" : " ", m->missing_sections[i]);
    printf("%s）%s%s\n", m->empty ? "；本周无任何记录" : "", where ? " → " : "",
           where ? where : "");
}

/* Renders report id in the asked format and writes it out. */
static int s_render_out(fcctl_t *ctl, long long id, const s_args_t *a, const char *verb)
{
    Fc__V1__ReportGetRequest which = FC__V1__REPORT_GET_REQUEST__INIT;
    which.report_id = id;
    which.iso_week = (char *)(a->week ? a->week : "");
    which.org_code = (char *)a->org;
    which.version = a->version;
    Fc__V1__ReportRenderRequest req = FC__V1__REPORT_RENDER_REQUEST__INIT;
    req.which = &which;
    req.format = (char *)a->format;
    ProtobufCMessage *reply = NULL;
    int rc = fcctl_call(ctl, "report", "report.weekly_render", &req.base,
                        &fc__v1__report_render_reply__descriptor, &reply);
    if (rc != FCCTL_OK)
        return rc;
    Fc__V1__ReportRenderReply *r = (Fc__V1__ReportRenderReply *)reply;
    int to_stdout = !a->out || !strcmp(a->out, "-");
    for (size_t i = 0; i < r->n_files && rc == FCCTL_OK; i++) {
        const Fc__V1__ReportFile *f = r->files[i];
        if (to_stdout) {
            fwrite(f->content.data, 1, f->content.len, stdout);
            continue;
        }
        char *path = NULL;
        if (!strcmp(a->format, "csv")) {
            if (asprintf(&path, "%s/%s", a->out, f->name) < 0)
                path = NULL;
        } else {
            path = strdup(a->out);
        }
        rc = path ? s_write_file(path, f->content.data, f->content.len) : FCCTL_EFAIL;
        free(path);
    }
    if (rc == FCCTL_OK && !to_stdout) {
        if (ctl->json)
            fcctl_print_json(&r->meta->base);
        else
            s_summary(r->meta, verb, a->out);
    }
    protobuf_c_message_free_unpacked(reply, NULL);
    return rc;
}

static int cmd_report_weekly(fcctl_t *ctl, int argc, char **argv)
{
    s_args_t a;
    int rc = s_parse(argc, argv, &a, 0);
    if (rc != FCCTL_OK)
        return rc;
    if (!a.week) {
        fprintf(stderr, "fcctl: --week: 须指定 ISO 周，例如 --week 2026-W47\n");
        return FCCTL_EUSAGE;
    }
    if ((rc = s_check_output(&a)) != FCCTL_OK)
        return rc;
    Fc__V1__ReportGenerateRequest req = FC__V1__REPORT_GENERATE_REQUEST__INIT;
    req.iso_week = (char *)a.week;
    req.org_code = (char *)a.org;
    if (ctl->timeout_ms < FCCTL_REPORT_TIMEOUT_MS)
        ctl->timeout_ms = FCCTL_REPORT_TIMEOUT_MS;
    ProtobufCMessage *reply = NULL;
    rc = fcctl_call(ctl, "report", "report.weekly_generate", &req.base,
                    &fc__v1__report_generate_reply__descriptor, &reply);
    if (rc != FCCTL_OK)
        return rc;
    long long id = ((Fc__V1__ReportGenerateReply *)reply)->meta->report_id;
    protobuf_c_message_free_unpacked(reply, NULL);
    return s_render_out(ctl, id, &a, "已生成");
}

static int cmd_report_get(fcctl_t *ctl, int argc, char **argv)
{
    s_args_t a;
    int rc = s_parse(argc, argv, &a, 1);
    if (rc != FCCTL_OK)
        return rc;
    if (!a.week && !a.id) {
        fprintf(stderr, "fcctl: --week: 须指定 ISO 周（或 --id）\n");
        return FCCTL_EUSAGE;
    }
    if ((rc = s_check_output(&a)) != FCCTL_OK)
        return rc;
    if (ctl->timeout_ms < FCCTL_REPORT_TIMEOUT_MS)
        ctl->timeout_ms = FCCTL_REPORT_TIMEOUT_MS;
    return s_render_out(ctl, a.id, &a, "已取出");
}

static int cmd_report_list(fcctl_t *ctl, int argc, char **argv)
{
    Fc__V1__ReportListRequest req = FC__V1__REPORT_LIST_REQUEST__INIT;
    static const struct option opts[] = {{"week", required_argument, NULL, 'w'},
                                         {"org", required_argument, NULL, 'g'},
                                         {"limit", required_argument, NULL, 'l'},
                                         {0}};
    int c;
    while ((c = getopt_long(argc, argv, "w:g:l:", opts, NULL)) != -1) {
        switch (c) {
        case 'w':
            req.iso_week = optarg;
            break;
        case 'g':
            req.org_code = optarg;
            break;
        case 'l':
            req.limit = atoi(optarg);
            break;
        default:
            return FCCTL_EUSAGE;
        }
    }
    if (optind != argc)
        return FCCTL_EUSAGE;
    ProtobufCMessage *reply = NULL;
    int rc = fcctl_call(ctl, "report", "report.weekly_list", &req.base,
                        &fc__v1__report_list_reply__descriptor, &reply);
    if (rc != FCCTL_OK)
        return rc;
    Fc__V1__ReportListReply *r = (Fc__V1__ReportListReply *)reply;
    if (ctl->json) {
        fcctl_print_json(reply);
    } else {
        printf("%-8s %-10s %-10s %-4s %-8s %-9s %-20s %s\n", "ID", "WEEK", "ORG", "VER", "STATE",
               "TRIGGER", "GENERATED", "MISSING");
        for (size_t i = 0; i < r->n_reports; i++) {
            const Fc__V1__ReportMeta *m = r->reports[i];
            char gen[40];
            fc_time_format_local(m->generated_us, gen, sizeof gen);
            printf("%-8lld %-10s %-10s %-4d %-8s %-9s %-20s ", (long long)m->report_id, m->iso_week,
                   *m->org_code ? m->org_code : "-", m->version, m->completeness, m->trigger, gen);
            for (size_t k = 0; k < m->n_missing_sections; k++)
                printf("%s%s", k ? "," : "", m->missing_sections[k]);
            printf("%s\n", m->n_missing_sections ? "" : "-");
        }
    }
    protobuf_c_message_free_unpacked(reply, NULL);
    return FCCTL_OK;
}

const fcctl_cmd_t fcctl_report_cmds[] = {
    {"report weekly",
     "report weekly --week 2026-W47 [--org CODE] [--format json|csv|xlsx|html] [-o PATH]",
     "builds the week's report now (a new stored version) and writes it; csv: -o DIR",
     cmd_report_weekly},
    {"report get",
     "report get (--week 2026-W47 [--org CODE] [--version N] | --id N) [--format F] [-o PATH]",
     "writes a stored report unchanged (default the latest version)", cmd_report_get},
    {"report list", "report list [--week 2026-W47] [--org CODE] [--limit N]",
     "lists stored reports with version and completeness", cmd_report_list},
    {NULL, NULL, NULL, NULL},
};

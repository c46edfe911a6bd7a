/* fcctl_intake: intake's commands: organisation units, people and their "one file", posts,
 * duty, health check-ins and status, incidents, key-group files, hardship cases, weekly
 * reports, cadre records, Party candidates, and the CSV imports (parsed here with
 * intake_csv, re-validated by intake). */
#include "fcctl.h"
#include "fcctl_opts.h"
#include "intake_csv.h"
#include "intake_csv_rows.h"
#include "intake_shift.h"
#include "fc/v1/intake.pb-c.h"
#include "fc_clock.h"
#include "fc_endpoints.h"
#include "fc_mem.h"
#include "fc_pb.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define FCCTL_CHECKIN_BATCH 1000

static int cmd_org_add(fcctl_t *ctl, int argc, char **argv)
{
    Fc__V1__OrgUnit u = FC__V1__ORG_UNIT__INIT;
    const fcctl_opt_t opts[] = {FCCTL_TEXT("parent", 'p', &u.parent_code),
                                FCCTL_TEXT("name", 'n', &u.name), FCCTL_TEXT("kind", 'k', &u.kind),
                                FCCTL_FLAG("liaison", 'l', &u.liaison_unit), FCCTL_OPTS_END};
    if (fcctl_parse_opts(argc, argv, opts, 1, 1) != FCCTL_OK)
        return FCCTL_EUSAGE;
    u.org_code = argv[optind];
    Fc__V1__OrgUnit *units[] = {&u};
    Fc__V1__OrgUpsertRequest req = FC__V1__ORG_UPSERT_REQUEST__INIT;
    req.units = units;
    req.n_units = 1;
    ProtobufCMessage *reply = NULL;
    int rc = fcctl_call(ctl, "intake", "intake.org_upsert", &req.base,
                        &fc__v1__org_upsert_reply__descriptor, &reply);
    if (rc != FCCTL_OK)
        return rc;
    Fc__V1__OrgUpsertReply *r = (Fc__V1__OrgUpsertReply *)reply;
    if (ctl->json)
        fcctl_print_json(reply);
    else
        printf("组织 %s：%s\n", u.org_code,
               r->inserted  ? "已新建"
               : r->updated ? "已更新"
                            : "无变化");
    protobuf_c_message_free_unpacked(reply, NULL);
    return FCCTL_OK;
}

static int cmd_person_add(fcctl_t *ctl, int argc, char **argv)
{
    Fc__V1__Person p = FC__V1__PERSON__INIT;
    protobuf_c_boolean unfit = 0;
    const fcctl_opt_t opts[] = {FCCTL_TEXT("name", 'n', &p.name),
                                FCCTL_TEXT("org", 'o', &p.org_code),
                                FCCTL_TEXT("phone", 'p', &p.phone),
                                FCCTL_TEXT("party", 'P', &p.party_status),
                                FCCTL_TEXT("cadre", 'c', &p.cadre_level),
                                FCCTL_TEXT("spouse", 's', &p.spouse_employee_no),
                                FCCTL_FLAG("leadership", 'L', &p.leadership_team),
                                FCCTL_FLAG("young-cadre", 'Y', &p.young_cadre),
                                FCCTL_FLAG("unfit", 'U', &unfit),
                                FCCTL_FLAG("reserve-pool", 'R', &p.reserve_pool),
                                FCCTL_FLAG("medical", 'M', &p.medical_staff),
                                FCCTL_FLAG("aid-team", 'A', &p.aid_team),
                                FCCTL_FLAG("elderly", 'E', &p.cares_for_elderly),
                                FCCTL_FLAG("children", 'C', &p.cares_for_children),
                                FCCTL_OPTS_END};
    if (fcctl_parse_opts(argc, argv, opts, 1, 1) != FCCTL_OK)
        return FCCTL_EUSAGE;
    p.fit_for_frontline = !unfit;
    p.employee_no = argv[optind];
    Fc__V1__Person *people[] = {&p};
    Fc__V1__PersonUpsertRequest req = FC__V1__PERSON_UPSERT_REQUEST__INIT;
    req.people = people;
    req.n_people = 1;
    ProtobufCMessage *reply = NULL;
    int rc = fcctl_call(ctl, "intake", "intake.person_upsert", &req.base,
                        &fc__v1__person_upsert_reply__descriptor, &reply);
    if (rc != FCCTL_OK)
        return rc;
    Fc__V1__PersonUpsertReply *r = (Fc__V1__PersonUpsertReply *)reply;
    if (ctl->json)
        fcctl_print_json(reply);
    else
        printf("人员 %s：%s\n", p.employee_no,
               r->inserted  ? "已新建"
               : r->updated ? "已更新"
                            : "无变化");
    protobuf_c_message_free_unpacked(reply, NULL);
    return FCCTL_OK;
}

static int s_send_checkins(fcctl_t *ctl, Fc__V1__HealthCheckin **items, size_t n, long *sent)
{
    Fc__V1__HealthCheckinRequest req = FC__V1__HEALTH_CHECKIN_REQUEST__INIT;
    req.checkins = items;
    req.n_checkins = n;
    ProtobufCMessage *reply = NULL;
    int rc = fcctl_call(ctl, "intake", "intake.health_checkin", &req.base,
                        &fc__v1__health_checkin_reply__descriptor, &reply);
    if (rc == FCCTL_OK) {
        *sent += (long)n;
        protobuf_c_message_free_unpacked(reply, NULL);
    }
    return rc;
}

/* `checkin EMPNO TEMP` or `checkin --file F` (CSV employee_no,temperature[,at]). */
static int cmd_checkin(fcctl_t *ctl, int argc, char **argv)
{
    const char *file = NULL, *at = NULL;
    static const struct option opts[] = {
        {"file", required_argument, NULL, 'f'}, {"at", required_argument, NULL, 'a'}, {0}};
    int c;
    while ((c = getopt_long(argc, argv, "f:a:", opts, NULL)) != -1) {
        if (c == 'f')
            file = optarg;
        else if (c == 'a')
            at = optarg;
        else
            return FCCTL_EUSAGE;
    }
    fc_err_t err;
    fc_err_clear(&err);
    if (!file) {
        if (optind != argc - 2)
            return FCCTL_EUSAGE;
        Fc__V1__HealthCheckin ci = FC__V1__HEALTH_CHECKIN__INIT;
        ci.employee_no = argv[optind];
        ci.temperature_dc = fcctl_parse_temp(argv[optind + 1]);
        if (ci.temperature_dc < 0) {
            fprintf(stderr, "fcctl: temperature: \"%s\" is not a temperature like 36.5\n",
                    argv[optind + 1]);
            return FCCTL_EUSAGE;
        }
        if (at && fc_time_parse(at, &ci.at_us, &err) != FC_OK) {
            fprintf(stderr, "fcctl: --at: %s\n", err.message);
            return FCCTL_EUSAGE;
        }
        Fc__V1__HealthCheckin *items[] = {&ci};
        long sent = 0;
        int rc = s_send_checkins(ctl, items, 1, &sent);
        if (rc == FCCTL_OK && !ctl->json)
            printf("已记录 %s 的健康打卡：%d.%d °C\n", ci.employee_no, ci.temperature_dc / 10,
                   ci.temperature_dc % 10);
        return rc;
    }
    FILE *f = strcmp(file, "-") == 0 ? stdin : fopen(file, "r");
    if (!f) {
        fprintf(stderr, "fcctl: --file: could not open \"%s\"\n", file);
        return FCCTL_EUSAGE;
    }
    Fc__V1__HealthCheckin *items = calloc(FCCTL_CHECKIN_BATCH, sizeof *items);
    Fc__V1__HealthCheckin **ptrs = calloc(FCCTL_CHECKIN_BATCH, sizeof *ptrs);
    char(*emp)[64] = calloc(FCCTL_CHECKIN_BATCH, sizeof *emp);
    char line[512];
    long lineno = 0, sent = 0;
    size_t n = 0;
    int rc = FCCTL_OK;
    while (rc == FCCTL_OK && fgets(line, sizeof line, f)) {
        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        if (!line[0] || (lineno == 1 && strncmp(line, "employee_no", 11) == 0))
            continue;
        char *e = strtok(line, ","), *t = strtok(NULL, ","), *a = strtok(NULL, ",");
        Fc__V1__HealthCheckin *ci = &items[n];
        fc__v1__health_checkin__init(ci);
        int temp = t ? fcctl_parse_temp(t) : -1;
        if (!e || temp < 0 || strlen(e) >= 64 || (a && fc_time_parse(a, &ci->at_us, &err))) {
            fprintf(stderr, "fcctl: line %ld: expected employee_no,temperature[,time]\n", lineno);
            rc = FCCTL_EUSAGE;
            break;
        }
        snprintf(emp[n], sizeof emp[n], "%s", e);
        ci->employee_no = emp[n];
        ci->temperature_dc = temp;
        ptrs[n] = ci;
        if (++n == FCCTL_CHECKIN_BATCH) {
            rc = s_send_checkins(ctl, ptrs, n, &sent);
            n = 0;
        }
    }
    if (rc == FCCTL_OK && n)
        rc = s_send_checkins(ctl, ptrs, n, &sent);
    if (f != stdin)
        fclose(f);
    free(items);
    free(ptrs);
    free(emp);
    if (!ctl->json)
        printf("已记录 %ld 条健康打卡\n", sent);
    else
        printf("{\"recorded\": %ld}\n", sent);
    return rc;
}

/* ---- helpers ---------------------------------------------------------------------------- */

static const char *s_status_zh[] = {"未知", "健康", "医学观察", "隔离",
                                    "疑似", "确诊", "已康复",   "已故"};
static const char *s_status_en[] = {"",          "healthy",   "observation", "quarantined",
                                    "suspected", "confirmed", "recovered",   "deceased"};

static const char *s_status(int s)
{
    return s_status_zh[s >= 0 && s <= 7 ? s : 0];
}

static void s_local(int64_t us, char *buf, size_t n)
{
    if (us)
        fc_time_format_local(us, buf, n);
    else
        snprintf(buf, n, "—");
}

/* Calls intake; prints the reply as JSON with --json, else runs text(reply). */
static int s_call(fcctl_t *ctl, const char *type, const ProtobufCMessage *req,
                  const ProtobufCMessageDescriptor *desc, void (*text)(const ProtobufCMessage *))
{
    return fcctl_run(ctl, "intake", type, req, desc, text);
}

/* ---- posts ---------------------------------------------------------------------------------- */

static void on_post_upserted(const ProtobufCMessage *m)
{
    const Fc__V1__PostUpsertReply *r = (const Fc__V1__PostUpsertReply *)m;
    printf("岗位：%s\n", r->inserted ? "已新建" : r->updated ? "已更新" : "无变化");
}

static int cmd_post_add(fcctl_t *ctl, int argc, char **argv)
{
    Fc__V1__Post p = FC__V1__POST__INIT;
    char *shifts = NULL;
    const fcctl_opt_t opts[] = {
        FCCTL_TEXT("org", 'o', &p.org_code),     FCCTL_TEXT("name", 'n', &p.name),
        FCCTL_TEXT("kind", 'k', &p.kind),        FCCTL_NUM("risk", 'r', &p.risk_class),
        FCCTL_TEXT("shifts", 's', &shifts),      FCCTL_OPTS_END};
    if (fcctl_parse_opts(argc, argv, opts, 1, 1) != FCCTL_OK || !shifts)
        return FCCTL_EUSAGE;
    p.post_code = argv[optind];
    fc_arena_t *arena = fc_arena_new(4096);
    fc_err_t err;
    fc_err_clear(&err);
    int rc = FCCTL_EUSAGE;
    if (intake_shift_parse(shifts, arena, &p.shifts, &p.n_shifts, &err) != FC_OK) {
        fcctl_print_error(&err);
        goto out;
    }
    Fc__V1__Post *posts[] = {&p};
    Fc__V1__PostUpsertRequest req = FC__V1__POST_UPSERT_REQUEST__INIT;
    req.posts = posts;
    req.n_posts = 1;
    rc = s_call(ctl, "intake.post_upsert", &req.base, &fc__v1__post_upsert_reply__descriptor,
                on_post_upserted);
out:
    fc_arena_destroy(&arena);
    return rc;
}

static void on_post(const ProtobufCMessage *m)
{
    const Fc__V1__Post *p = ((const Fc__V1__PostGetReply *)m)->post;
    if (!p)
        return;
    char *shifts = intake_shift_format(p->shifts, p->n_shifts);
    printf("岗位    %s\n名称    %s\n组织    %s\n类型    %s\n风险    %d 类\n班次    %s\n",
           p->post_code, p->name, p->org_code, p->kind, (int)p->risk_class, shifts);
    free(shifts);
}

static int cmd_post_show(fcctl_t *ctl, int argc, char **argv)
{
    if (argc != 2)
        return FCCTL_EUSAGE;
    Fc__V1__PostGetRequest req = FC__V1__POST_GET_REQUEST__INIT;
    req.post_code = argv[1];
    return s_call(ctl, "intake.post_get", &req.base, &fc__v1__post_get_reply__descriptor, on_post);
}

/* ---- duty ------------------------------------------------------------------------------------ */

static void on_duty_in(const ProtobufCMessage *m)
{
    const Fc__V1__DutyCheckinReply *r = (const Fc__V1__DutyCheckinReply *)m;
    printf("已签到（值守记录 %lld）\n", r->n_duty_ids ? (long long)r->duty_ids[0] : 0LL);
}

static void on_duty_out(const ProtobufCMessage *m)
{
    const Fc__V1__DutyCheckoutReply *r = (const Fc__V1__DutyCheckoutReply *)m;
    if (r->n_minutes)
        printf("已签退（值守记录 %lld）：%d 小时 %d 分钟\n", (long long)r->duty_ids[0],
               (int)r->minutes[0] / 60, (int)r->minutes[0] % 60);
}

/* `duty in EMPNO POST [--at T]` / `duty out EMPNO [--at T]` */
static int s_duty(fcctl_t *ctl, int argc, char **argv, int in)
{
    int64_t at = 0;
    static const struct option opts[] = {{"at", required_argument, NULL, 'a'}, {0}};
    int c;
    while ((c = getopt_long(argc, argv, "a:", opts, NULL)) != -1) {
        if (c != 'a' || fcctl_time_arg("--at", optarg, &at) != FCCTL_OK)
            return FCCTL_EUSAGE;
    }
    if (optind != argc - (in ? 2 : 1))
        return FCCTL_EUSAGE;
    if (in) {
        Fc__V1__DutyCheckin ci = FC__V1__DUTY_CHECKIN__INIT;
        ci.employee_no = argv[optind];
        ci.post_code = argv[optind + 1];
        ci.at_us = at;
        Fc__V1__DutyCheckin *items[] = {&ci};
        Fc__V1__DutyCheckinRequest req = FC__V1__DUTY_CHECKIN_REQUEST__INIT;
        req.checkins = items;
        req.n_checkins = 1;
        return s_call(ctl, "intake.duty_checkin", &req.base,
                      &fc__v1__duty_checkin_reply__descriptor, on_duty_in);
    }
    Fc__V1__DutyCheckout co = FC__V1__DUTY_CHECKOUT__INIT;
    co.employee_no = argv[optind];
    co.at_us = at;
    Fc__V1__DutyCheckout *items[] = {&co};
    Fc__V1__DutyCheckoutRequest req = FC__V1__DUTY_CHECKOUT_REQUEST__INIT;
    req.checkouts = items;
    req.n_checkouts = 1;
    return s_call(ctl, "intake.duty_checkout", &req.base, &fc__v1__duty_checkout_reply__descriptor,
                  on_duty_out);
}

static int cmd_duty_in(fcctl_t *ctl, int argc, char **argv)
{
    return s_duty(ctl, argc, argv, 1);
}

static int cmd_duty_out(fcctl_t *ctl, int argc, char **argv)
{
    return s_duty(ctl, argc, argv, 0);
}

/* ---- health status and incidents ----------------------------------------------------------- */

static void on_status(const ProtobufCMessage *m)
{
    const Fc__V1__HealthStatusReply *r = (const Fc__V1__HealthStatusReply *)m;
    if (r->changed)
        printf("健康状态：%s → %s\n", s_status(r->from), s_status(r->to));
    else
        printf("健康状态无变化：%s\n", s_status(r->to));
}

static int cmd_status(fcctl_t *ctl, int argc, char **argv)
{
    Fc__V1__HealthStatusRequest req = FC__V1__HEALTH_STATUS_REQUEST__INIT;
    static const struct option opts[] = {
        {"reason", required_argument, NULL, 'r'}, {"at", required_argument, NULL, 'a'}, {0}};
    int c;
    while ((c = getopt_long(argc, argv, "r:a:", opts, NULL)) != -1) {
        if (c == 'r')
            req.reason = optarg;
        else if (c != 'a' || fcctl_time_arg("--at", optarg, &req.at_us) != FCCTL_OK)
            return FCCTL_EUSAGE;
    }
    if (optind != argc - 2)
        return FCCTL_EUSAGE;
    req.employee_no = argv[optind];
    for (int i = 1; i <= 7; i++)
        if (strcmp(argv[optind + 1], s_status_en[i]) == 0)
            req.to = i;
    if (!req.to) {
        fprintf(stderr,
                "fcctl: status: \"%s\" is not one of healthy|observation|quarantined|"
                "suspected|confirmed|recovered|deceased\n",
                argv[optind + 1]);
        return FCCTL_EUSAGE;
    }
    return s_call(ctl, "intake.health_status", &req.base, &fc__v1__health_status_reply__descriptor,
                  on_status);
}

static void on_incident(const ProtobufCMessage *m)
{
    const Fc__V1__IncidentReply *r = (const Fc__V1__IncidentReply *)m;
    printf("已报告事件 %lld%s%s；健康状态：%s\n", (long long)r->incident_id,
           r->major ? "（重大事项，已专报集团）" : "", r->on_duty ? "（值守期间）" : "",
           s_status(r->health_status));
}

static int cmd_incident(fcctl_t *ctl, int argc, char **argv)
{
    Fc__V1__IncidentRequest req = FC__V1__INCIDENT_REQUEST__INIT;
    static const struct option opts[] = {{"desc", required_argument, NULL, 'd'},
                                         {"at", required_argument, NULL, 'a'},
                                         {"on-duty", no_argument, NULL, 'o'},
                                         {0}};
    int c;
    while ((c = getopt_long(argc, argv, "d:a:o", opts, NULL)) != -1) {
        if (c == 'd')
            req.description = optarg;
        else if (c == 'o')
            req.on_duty = 1;
        else if (c != 'a' || fcctl_time_arg("--at", optarg, &req.at_us) != FCCTL_OK)
            return FCCTL_EUSAGE;
    }
    if (optind != argc - 2)
        return FCCTL_EUSAGE;
    req.employee_no = argv[optind];
    req.kind = argv[optind + 1];
    return s_call(ctl, "intake.incident", &req.base, &fc__v1__incident_reply__descriptor,
                  on_incident);
}

/* ---- key groups and hardship cases ----------------------------------------------------------- */

static void on_file_opened(const ProtobufCMessage *m)
{
    printf("已建档：四类人员档案 %lld\n",
           (long long)((const Fc__V1__KeyGroupOpenReply *)m)->file_id);
}

static void on_file_closed(const ProtobufCMessage *m)
{
    printf("档案 %lld 已结案\n", (long long)((const Fc__V1__KeyGroupCloseReply *)m)->file_id);
}

static void on_contact(const ProtobufCMessage *m)
{
    printf("已记录服务 %lld\n", (long long)((const Fc__V1__ServiceContactReply *)m)->contact_id);
}

/* `keygroup open EMPNO --category C --volunteer V [--phone P] [--location L] [--note N]` */
static int cmd_keygroup_open(fcctl_t *ctl, int argc, char **argv)
{
    Fc__V1__KeyGroupFile f = FC__V1__KEY_GROUP_FILE__INIT;
    static const struct option opts[] = {{"category", required_argument, NULL, 'c'},
                                         {"volunteer", required_argument, NULL, 'v'},
                                         {"phone", required_argument, NULL, 'p'},
                                         {"location", required_argument, NULL, 'l'},
                                         {"note", required_argument, NULL, 'n'},
                                         {"at", required_argument, NULL, 'a'},
                                         {0}};
    int c;
    while ((c = getopt_long(argc, argv, "c:v:p:l:n:a:", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            f.category = optarg;
            break;
        case 'v':
            f.volunteer_employee_no = optarg;
            break;
        case 'p':
            f.card_phone = optarg;
            break;
        case 'l':
            f.location = optarg;
            break;
        case 'n':
            f.note = optarg;
            break;
        case 'a':
            if (fcctl_time_arg("--at", optarg, &f.opened_us) != FCCTL_OK)
                return FCCTL_EUSAGE;
            break;
        default:
            return FCCTL_EUSAGE;
        }
    }
    if (optind != argc - 1)
        return FCCTL_EUSAGE;
    f.employee_no = argv[optind];
    Fc__V1__KeyGroupOpenRequest req = FC__V1__KEY_GROUP_OPEN_REQUEST__INIT;
    req.file = &f;
    return s_call(ctl, "intake.key_group_open", &req.base,
                  &fc__v1__key_group_open_reply__descriptor, on_file_opened);
}

static int cmd_keygroup_close(fcctl_t *ctl, int argc, char **argv)
{
    Fc__V1__KeyGroupCloseRequest req = FC__V1__KEY_GROUP_CLOSE_REQUEST__INIT;
    static const struct option opts[] = {
        {"note", required_argument, NULL, 'n'}, {"at", required_argument, NULL, 'a'}, {0}};
    int c;
    while ((c = getopt_long(argc, argv, "n:a:", opts, NULL)) != -1) {
        if (c == 'n')
            req.note = optarg;
        else if (c != 'a' || fcctl_time_arg("--at", optarg, &req.at_us) != FCCTL_OK)
            return FCCTL_EUSAGE;
    }
    if (optind != argc - 1)
        return FCCTL_EUSAGE;
    req.file_id = atoll(argv[optind]);
    return s_call(ctl, "intake.key_group_close", &req.base,
                  &fc__v1__key_group_close_reply__descriptor, on_file_closed);
}

/* `keygroup contact FILE_ID --kind K --by EMPNO [--note N] [--at T]` */
static int cmd_keygroup_contact(fcctl_t *ctl, int argc, char **argv)
{
    Fc__V1__ServiceContact sc = FC__V1__SERVICE_CONTACT__INIT;
    static const struct option opts[] = {{"kind", required_argument, NULL, 'k'},
                                         {"by", required_argument, NULL, 'b'},
                                         {"note", required_argument, NULL, 'n'},
                                         {"at", required_argument, NULL, 'a'},
                                         {0}};
    int c;
    while ((c = getopt_long(argc, argv, "k:b:n:a:", opts, NULL)) != -1) {
        switch (c) {
        case 'k':
            sc.kind = optarg;
            break;
        case 'b':
            sc.by_employee_no = optarg;
            break;
        case 'n':
            sc.note = optarg;
            break;
        case 'a':
            if (fcctl_time_arg("--at", optarg, &sc.at_us) != FCCTL_OK)
                return FCCTL_EUSAGE;
            break;
        default:
            return FCCTL_EUSAGE;
        }
    }
    if (optind != argc - 1)
        return FCCTL_EUSAGE;
    sc.file_id = atoll(argv[optind]);
    Fc__V1__ServiceContactRequest req = FC__V1__SERVICE_CONTACT_REQUEST__INIT;
    req.contact = &sc;
    return s_call(ctl, "intake.service_contact", &req.base,
                  &fc__v1__service_contact_reply__descriptor, on_contact);
}

static void on_case_opened(const ProtobufCMessage *m)
{
    printf("已立困难台账 %lld\n", (long long)((const Fc__V1__HardshipOpenReply *)m)->case_id);
}

static void on_case_closed(const ProtobufCMessage *m)
{
    printf("困难台账 %lld 已结案\n", (long long)((const Fc__V1__HardshipCloseReply *)m)->case_id);
}

/* `case open EMPNO --category C --liaison EMPNO --desc TEXT [--fen N]` */
static int cmd_case_open(fcctl_t *ctl, int argc, char **argv)
{
    Fc__V1__HardshipCase hc = FC__V1__HARDSHIP_CASE__INIT;
    static const struct option opts[] = {{"category", required_argument, NULL, 'c'},
                                         {"liaison", required_argument, NULL, 'l'},
                                         {"desc", required_argument, NULL, 'd'},
                                         {"fen", required_argument, NULL, 'f'},
                                         {0}};
    int c;
    while ((c = getopt_long(argc, argv, "c:l:d:f:", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            hc.category = optarg;
            break;
        case 'l':
            hc.liaison_employee_no = optarg;
            break;
        case 'd':
            hc.description = optarg;
            break;
        case 'f':
            hc.requested_fen = atoll(optarg);
            break;
        default:
            return FCCTL_EUSAGE;
        }
    }
    if (optind != argc - 1)
        return FCCTL_EUSAGE;
    hc.employee_no = argv[optind];
    Fc__V1__HardshipOpenRequest req = FC__V1__HARDSHIP_OPEN_REQUEST__INIT;
    req.hardship = &hc;
    return s_call(ctl, "intake.hardship_open", &req.base, &fc__v1__hardship_open_reply__descriptor,
                  on_case_opened);
}

static int cmd_case_close(fcctl_t *ctl, int argc, char **argv)
{
    Fc__V1__HardshipCloseRequest req = FC__V1__HARDSHIP_CLOSE_REQUEST__INIT;
    static const struct option opts[] = {{"note", required_argument, NULL, 'n'}, {0}};
    int c;
    while ((c = getopt_long(argc, argv, "n:", opts, NULL)) != -1) {
        if (c != 'n')
            return FCCTL_EUSAGE;
        req.note = optarg;
    }
    if (optind != argc - 1)
        return FCCTL_EUSAGE;
    req.case_id = atoll(argv[optind]);
    return s_call(ctl, "intake.hardship_close", &req.base,
                  &fc__v1__hardship_close_reply__descriptor, on_case_closed);
}

/* ---- weekly reports, cadre records, candidates ------------------------------------------------
 */

static void on_weekly(const ProtobufCMessage *m)
{
    printf("已提交周报 %lld\n", (long long)((const Fc__V1__WeeklyReportReply *)m)->report_id);
}

/* `weekly submit EMPNO --org SUB --week 2026-W47 --duty TEXT --production TEXT
 *  [--outbreak] [--unstable]` */
static int cmd_weekly(fcctl_t *ctl, int argc, char **argv)
{
    Fc__V1__WeeklyReport w = FC__V1__WEEKLY_REPORT__INIT;
    w.no_outbreak = 1;
    w.production_stable = 1;
    static const struct option opts[] = {{"org", required_argument, NULL, 'o'},
                                         {"week", required_argument, NULL, 'w'},
                                         {"duty", required_argument, NULL, 'd'},
                                         {"production", required_argument, NULL, 'p'},
                                         {"outbreak", no_argument, NULL, 'O'},
                                         {"unstable", no_argument, NULL, 'U'},
                                         {0}};
    int c;
    while ((c = getopt_long(argc, argv, "o:w:d:p:OU", opts, NULL)) != -1) {
        switch (c) {
        case 'o':
            w.org_code = optarg;
            break;
        case 'w':
            w.iso_week = optarg;
            break;
        case 'd':
            w.epidemic_duty = optarg;
            break;
        case 'p':
            w.production = optarg;
            break;
        case 'O':
            w.no_outbreak = 0;
            break;
        case 'U':
            w.production_stable = 0;
            break;
        default:
            return FCCTL_EUSAGE;
        }
    }
    if (optind != argc - 1)
        return FCCTL_EUSAGE;
    w.employee_no = argv[optind];
    Fc__V1__WeeklyReportRequest req = FC__V1__WEEKLY_REPORT_REQUEST__INIT;
    req.report = &w;
    return s_call(ctl, "intake.weekly_report", &req.base, &fc__v1__weekly_report_reply__descriptor,
                  on_weekly);
}

static void on_keyevent(const ProtobufCMessage *m)
{
    printf("已记录关键事件 %lld\n", (long long)((const Fc__V1__CadreKeyEventReply *)m)->event_id);
}

/* `keyevent EMPNO (--good|--bad) --desc TEXT [--at T]` */
static int cmd_keyevent(fcctl_t *ctl, int argc, char **argv)
{
    Fc__V1__CadreKeyEvent e = FC__V1__CADRE_KEY_EVENT__INIT;
    static const struct option opts[] = {{"good", no_argument, NULL, 'g'},
                                         {"bad", no_argument, NULL, 'b'},
                                         {"desc", required_argument, NULL, 'd'},
                                         {"at", required_argument, NULL, 'a'},
                                         {0}};
    int c;
    while ((c = getopt_long(argc, argv, "gbd:a:", opts, NULL)) != -1) {
        switch (c) {
        case 'g':
            e.polarity = "good";
            break;
        case 'b':
            e.polarity = "bad";
            break;
        case 'd':
            e.description = optarg;
            break;
        case 'a':
            if (fcctl_time_arg("--at", optarg, &e.at_us) != FCCTL_OK)
                return FCCTL_EUSAGE;
            break;
        default:
            return FCCTL_EUSAGE;
        }
    }
    if (optind != argc - 1)
        return FCCTL_EUSAGE;
    e.employee_no = argv[optind];
    Fc__V1__CadreKeyEventRequest req = FC__V1__CADRE_KEY_EVENT_REQUEST__INIT;
    req.event = &e;
    return s_call(ctl, "intake.cadre_key_event", &req.base,
                  &fc__v1__cadre_key_event_reply__descriptor, on_keyevent);
}

static void on_merit(const ProtobufCMessage *m)
{
    printf("已记录 %lld\n", (long long)((const Fc__V1__MeritRecordReply *)m)->record_id);
}

/* `merit EMPNO KIND --reason TEXT [--by ISSUER] [--at T]` */
static int cmd_merit(fcctl_t *ctl, int argc, char **argv)
{
    Fc__V1__MeritRecord m = FC__V1__MERIT_RECORD__INIT;
    static const struct option opts[] = {{"reason", required_argument, NULL, 'r'},
                                         {"by", required_argument, NULL, 'b'},
                                         {"at", required_argument, NULL, 'a'},
                                         {0}};
    int c;
    while ((c = getopt_long(argc, argv, "r:b:a:", opts, NULL)) != -1) {
        if (c == 'r')
            m.reason = optarg;
        else if (c == 'b')
            m.issued_by = optarg;
        else if (c != 'a' || fcctl_time_arg("--at", optarg, &m.at_us) != FCCTL_OK)
            return FCCTL_EUSAGE;
    }
    if (optind != argc - 2)
        return FCCTL_EUSAGE;
    m.employee_no = argv[optind];
    m.kind = argv[optind + 1];
    Fc__V1__MeritRecordRequest req = FC__V1__MERIT_RECORD_REQUEST__INIT;
    req.record = &m;
    return s_call(ctl, "intake.merit_record", &req.base, &fc__v1__merit_record_reply__descriptor,
                  on_merit);
}

static void on_candidate(const ProtobufCMessage *m)
{
    printf("发展对象人选：%s\n",
           ((const Fc__V1__PartyCandidateReply *)m)->inserted ? "已列入" : "已更新");
}

/* `candidate EMPNO --reason TEXT [--fast-track]` */
static int cmd_candidate(fcctl_t *ctl, int argc, char **argv)
{
    Fc__V1__PartyCandidate pc = FC__V1__PARTY_CANDIDATE__INIT;
    static const struct option opts[] = {
        {"reason", required_argument, NULL, 'r'}, {"fast-track", no_argument, NULL, 'f'}, {0}};
    int c;
    while ((c = getopt_long(argc, argv, "r:f", opts, NULL)) != -1) {
        if (c == 'r')
            pc.reason = optarg;
        else if (c == 'f')
            pc.fast_track = 1;
        else
            return FCCTL_EUSAGE;
    }
    if (optind != argc - 1)
        return FCCTL_EUSAGE;
    pc.employee_no = argv[optind];
    Fc__V1__PartyCandidateRequest req = FC__V1__PARTY_CANDIDATE_REQUEST__INIT;
    req.candidate = &pc;
    return s_call(ctl, "intake.party_candidate", &req.base,
                  &fc__v1__party_candidate_reply__descriptor, on_candidate);
}

/* ---- one person, one file -----------------------------------------------------------------------
 */

static void s_hm(int64_t minutes, char *buf, size_t n)
{
    snprintf(buf, n, "%lld 小时 %02lld 分", (long long)(minutes / 60), (long long)(minutes % 60));
}

static void on_person_file(const ProtobufCMessage *m)
{
    const Fc__V1__PersonFileReply *f = (const Fc__V1__PersonFileReply *)m;
    const Fc__V1__Person *p = f->person;
    char a[40], b[40], c[40];
    if (!p)
        return;
    printf("== %s %s（工号 %s）==\n", p->name, p->phone, p->employee_no);
    printf("组织      ");
    for (size_t i = 0; i < f->n_org_path; i++)
        printf("%s%s（%s）", i ? " / " : "", f->org_path[i]->name, f->org_path[i]->org_code);
    printf("\n政治面貌  %s    干部级别  %s\n", p->party_status, p->cadre_level);
    printf("标记      %s%s%s%s%s%s%s\n", p->leadership_team ? "班子成员 " : "",
           p->young_cadre ? "年轻干部 " : "", p->reserve_pool ? "后备干部 " : "",
           p->medical_staff ? "医务人员 " : "", p->aid_team ? "援助医疗队 " : "",
           p->cares_for_elderly ? "照料老人 " : "", p->cares_for_children ? "照料子女 " : "");
    printf("配偶工号  %s\n一线适岗  %s\n健康状态  %s\n",
           p->spouse_employee_no[0] ? p->spouse_employee_no : "—",
           p->fit_for_frontline ? "是" : "否", s_status(p->health_status));
    s_hm(f->duty_minutes_today, a, sizeof a);
    s_hm(f->duty_minutes_7d, b, sizeof b);
    s_hm(f->duty_minutes_total, c, sizeof c);
    printf("值守时长  今日 %s；近 7 天 %s；累计 %s（%lld 次）\n", a, b, c,
           (long long)f->duty_count);
    if (f->n_duties)
        printf("-- 值守记录\n");
    for (size_t i = 0; i < f->n_duties; i++) {
        const Fc__V1__DutyRecord *d = f->duties[i];
        s_local(d->start_us, a, sizeof a);
        s_local(d->end_us, b, sizeof b);
        printf("  %s → %s  %s（%s，%d 类）%s\n", a, d->end_us ? b : "在岗", d->post_name,
               d->post_code, (int)d->risk_class, d->end_us ? "" : "（未签退）");
    }
    if (f->n_checkins)
        printf("-- 健康打卡\n");
    for (size_t i = 0; i < f->n_checkins; i++) {
        const Fc__V1__HealthCheckinRecord *h = f->checkins[i];
        s_local(h->at_us, a, sizeof a);
        printf("  %s  %d.%d °C", a, h->temperature_dc / 10, h->temperature_dc % 10);
        for (size_t k = 0; k < h->n_symptoms; k++)
            printf("%s%s", k ? "、" : "  ", h->symptoms[k]);
        printf("\n");
    }
    if (f->n_status_history)
        printf("-- 健康状态变更\n");
    for (size_t i = 0; i < f->n_status_history; i++) {
        const Fc__V1__HealthStatusChanged *h = f->status_history[i];
        s_local(h->at_us, a, sizeof a);
        printf("  %s  %s → %s  %s\n", a, s_status(h->from), s_status(h->to), h->reason);
    }
    if (f->n_incidents)
        printf("-- 事件\n");
    for (size_t i = 0; i < f->n_incidents; i++) {
        const Fc__V1__IncidentReported *x = f->incidents[i];
        s_local(x->at_us, a, sizeof a);
        printf("  %s  %s%s%s  %s\n", a, x->kind, x->major ? "（重大）" : "",
               x->on_duty ? "（值守中）" : "", x->description);
    }
    if (f->n_key_group_files)
        printf("-- 四类人员档案（一人一档一卡）\n");
    for (size_t i = 0; i < f->n_key_group_files; i++) {
        const Fc__V1__KeyGroupFile *k = f->key_group_files[i];
        s_local(k->opened_us, a, sizeof a);
        printf("  档案 %lld  %s  %s  志愿者 %s  %s%s\n", (long long)k->file_id, a, k->category,
               k->volunteer_employee_no, k->location, k->closed_us ? "（已结案）" : "");
    }
    if (f->n_service_contacts)
        printf("-- 服务记录\n");
    for (size_t i = 0; i < f->n_service_contacts; i++) {
        const Fc__V1__ServiceContact *s = f->service_contacts[i];
        s_local(s->at_us, a, sizeof a);
        printf("  %s  %s  由 %s  %s\n", a, s->kind, s->by_employee_no, s->note);
    }
    if (f->n_hardship_cases)
        printf("-- 困难台账\n");
    for (size_t i = 0; i < f->n_hardship_cases; i++) {
        const Fc__V1__HardshipCase *h = f->hardship_cases[i];
        printf("  台账 %lld  %s  联络人 %s  %s%s\n", (long long)h->case_id, h->category,
               h->liaison_employee_no, h->description, h->closed ? "（已结案）" : "");
    }
    for (size_t i = 0; i < f->n_liaison_for; i++)
        printf("  一对一联络：台账 %lld（%s）\n", (long long)f->liaison_for[i]->case_id,
               f->liaison_for[i]->employee_no);
    if (f->n_merits)
        printf("-- 表彰与问责\n");
    for (size_t i = 0; i < f->n_merits; i++) {
        const Fc__V1__MeritRecord *r = f->merits[i];
        s_local(r->at_us, a, sizeof a);
        printf("  %s  %s%s  %s  %s\n", a, r->kind, r->accountability ? "（问责）" : "",
               r->issued_by, r->reason);
    }
    if (f->n_key_events)
        printf("-- 关键事件\n");
    for (size_t i = 0; i < f->n_key_events; i++) {
        const Fc__V1__CadreKeyEvent *e = f->key_events[i];
        s_local(e->at_us, a, sizeof a);
        printf("  %s  %s  %s\n", a, strcmp(e->polarity, "good") == 0 ? "先进" : "后进",
               e->description);
    }
    if (f->n_weekly_reports)
        printf("-- 周报\n");
    for (size_t i = 0; i < f->n_weekly_reports; i++) {
        const Fc__V1__WeeklyReport *w = f->weekly_reports[i];
        printf("  %s  %s  不出现疫情：%s  生产稳定：%s\n", w->iso_week, w->org_code,
               w->no_outbreak ? "是" : "否", w->production_stable ? "是" : "否");
    }
    if (f->candidate)
        printf("-- 发展对象人选  %s%s  %s\n", f->candidate->party_status,
               f->candidate->fast_track ? "（火线发展）" : "", f->candidate->reason);
}

/* ---- 000 §9 records and village first secretaries (issue 11) ------------------------------- */

static const char *s_state_zh(const char *s)
{
    return strcmp(s, "reported") == 0   ? "已登记"
           : strcmp(s, "handling") == 0 ? "处理中"
           : strcmp(s, "closed") == 0   ? "已结案"
                                        : s;
}

static const char *s_outcome_zh(const char *s)
{
    return strcmp(s, "education") == 0   ? "批评教育"
           : strcmp(s, "punished") == 0  ? "处理处罚"
           : strcmp(s, "unfounded") == 0 ? "查无实据"
           : strcmp(s, "other") == 0     ? "其他"
                                         : s;
}

static void s_print_cleared(Fc__V1__ClearedRecord *const *c, size_t n)
{
    for (size_t i = 0; i < n; i++)
        printf("%s%s %lld", i ? "，" : "    不再计入考核：",
               strcmp(c[i]->kind, "merit") == 0 ? "问责记录" : "关键事件",
               (long long)c[i]->record_id);
    if (n)
        printf("\n");
}

static void s_print_records(const Fc__V1__RecordsListReply *r)
{
    char a[40], b[40];
    if (r->n_fault_tolerance)
        printf("-- 容错免责\n");
    for (size_t i = 0; i < r->n_fault_tolerance; i++) {
        const Fc__V1__FaultToleranceRecord *f = r->fault_tolerance[i];
        s_local(f->decided_us, a, sizeof a);
        printf("  记录 %lld  %s  %s  %s决定  失误：%s\n    理由：%s\n", (long long)f->record_id,
               f->employee_no, a, f->decided_by, f->mistake, f->reasons);
        s_print_cleared(f->cleared, f->n_cleared);
    }
    if (r->n_clarifications)
        printf("-- 澄清正名\n");
    for (size_t i = 0; i < r->n_clarifications; i++) {
        const Fc__V1__ClarificationRecord *c = r->clarifications[i];
        s_local(c->complaint_us, a, sizeof a);
        s_local(c->clarified_us, b, sizeof b);
        printf("  记录 %lld  %s  %s 收到投诉举报：%s\n    %s %s澄清：%s\n", (long long)c->record_id,
               c->employee_no, a, c->complaint, b, c->decided_by, c->findings);
        if (c->accuser_action[0])
            printf("    对诬告陷害者：%s\n", c->accuser_action);
        s_print_cleared(c->cleared, c->n_cleared);
    }
    if (r->n_discrimination)
        printf("-- 歧视一线人员及家属事件\n");
    for (size_t i = 0; i < r->n_discrimination; i++) {
        const Fc__V1__DiscriminationCase *c = r->discrimination[i];
        printf("  事件 %lld  %s  %s  受歧视：%s%s  %s%s%s\n", (long long)c->case_id,
               c->employee_no, s_state_zh(c->state),
               strcmp(c->victim, "family") == 0 ? "家属" : "本人",
               c->family_member, c->description, c->outcome[0] ? "  结果：" : "",
               s_outcome_zh(c->outcome));
        for (size_t k = 0; k < c->n_steps; k++) {
            s_local(c->steps[k]->at_us, a, sizeof a);
            printf("    %s  %s  %s  %s\n", a, s_state_zh(c->steps[k]->step), c->steps[k]->by,
                   c->steps[k]->action);
        }
    }
}

static void on_records(const ProtobufCMessage *m)
{
    const Fc__V1__RecordsListReply *r = (const Fc__V1__RecordsListReply *)m;
    if (!r->n_fault_tolerance && !r->n_clarifications && !r->n_discrimination)
        printf("%s 无容错免责、澄清正名或歧视事件记录\n",
               r->employee_no[0] ? r->employee_no : r->org_code);
    s_print_records(r);
}

static void s_print_villages(Fc__V1__VillageAssignment *const *v, size_t n)
{
    char a[40], b[40], c[40];
    if (n)
        printf("-- 驻村第一书记\n");
    for (size_t i = 0; i < n; i++) {
        s_local(v[i]->start_us, a, sizeof a);
        s_local(v[i]->planned_return_us, b, sizeof b);
        s_local(v[i]->returned_us, c, sizeof c);
        printf("  驻村 %lld  %s%s%s  自 %s  计划返岗 %s  %s%s\n", (long long)v[i]->assignment_id,
               v[i]->township, v[i]->township[0] ? " " : "", v[i]->village, a, b,
               v[i]->returned_us ? "已返岗 " : "在村", v[i]->returned_us ? c : "");
        if (v[i]->frontline_record[0])
            printf("    一线表现：%s\n", v[i]->frontline_record);
        if (v[i]->return_note[0])
            printf("    返岗说明：%s\n", v[i]->return_note);
    }
}

static void on_person_file_all(const ProtobufCMessage *m)
{
    const Fc__V1__PersonFileReply *f = (const Fc__V1__PersonFileReply *)m;
    on_person_file(m);
    s_print_villages(f->village_assignments, f->n_village_assignments);
}

/* Calls intake without printing a refusal: the 000 §9 records shown in `person show` only to
 * those allowed to read them. Returns the FC_E* code. */
static int s_call_quiet(fcctl_t *ctl, const char *type, const ProtobufCMessage *req,
                        const ProtobufCMessageDescriptor *desc, ProtobufCMessage **reply_out)
{
    fc_err_t err;
    fc_err_clear(&err);
    if (fcctl_transport_http())
        return fcctl_transport_call(ctl, type, req, desc, reply_out, &err);
    fc_rpc_client_opts_t opts = {ctl->actor, ctl->role, ctl->scope, ctl->timeout_ms, 2, NULL};
    fc_rpc_client_t *c = fc_rpc_client_new(ctl->zmq, fc_endpoint_of("intake"), &opts);
    int rc = c ? fc_rpc_call(c, type, req, desc, reply_out, NULL, &err) : FC_EUNAVAIL;
    fc_rpc_client_destroy(&c);
    return rc;
}

static void s_person_records(fcctl_t *ctl, const char *employee_no, int limit)
{
    Fc__V1__RecordsListRequest req = FC__V1__RECORDS_LIST_REQUEST__INIT;
    req.employee_no = (char *)employee_no;
    req.limit = limit;
    ProtobufCMessage *reply = NULL;
    if (s_call_quiet(ctl, "intake.records_list", &req.base, &fc__v1__records_list_reply__descriptor,
                     &reply) == FC_OK)
        s_print_records((const Fc__V1__RecordsListReply *)reply);
    if (reply)
        protobuf_c_message_free_unpacked(reply, NULL);
}

/* "key_event:12" or "merit:7" into a cleared record (arena: the caller's array). */
static int s_parse_clear(const char *v, Fc__V1__ClearedRecord *out)
{
    const char *colon = strchr(v, ':');
    char *end = NULL;
    if (!colon)
        return -1;
    long long id = strtoll(colon + 1, &end, 10);
    if (!*(colon + 1) || *end || id <= 0)
        return -1;
    fc__v1__cleared_record__init(out);
    out->kind = fc_xstrndup(v, (size_t)(colon - v));
    out->record_id = id;
    return 0;
}

#define FCCTL_MAX_CLEAR 50

typedef struct {
    Fc__V1__ClearedRecord rec[FCCTL_MAX_CLEAR];
    Fc__V1__ClearedRecord *ptr[FCCTL_MAX_CLEAR];
    size_t n;
} s_clears_t;

/* --clear KIND:ID, repeatable (an fcctl_opt_t parse function; arg: the s_clears_t). */
static int s_clears_add(const char *opt, const char *v, void *arg)
{
    s_clears_t *c = arg;
    if (c->n == FCCTL_MAX_CLEAR || s_parse_clear(v, &c->rec[c->n]) != 0) {
        fprintf(stderr, "fcctl: %s: \"%s\" is not key_event:ID or merit:ID\n", opt, v);
        return FCCTL_EUSAGE;
    }
    c->ptr[c->n] = &c->rec[c->n];
    c->n++;
    return FCCTL_OK;
}

static void s_clears_fini(s_clears_t *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->rec[i].kind);
    c->n = 0;
}

static void on_tolerance(const ProtobufCMessage *m)
{
    printf("已记录容错免责 %lld\n", (long long)((const Fc__V1__FaultToleranceReply *)m)->record_id);
}

/* `tolerance EMPNO --mistake T --reasons T --by BODY [--at T] [--clear KIND:ID]...` */
static int cmd_tolerance(fcctl_t *ctl, int argc, char **argv)
{
    Fc__V1__FaultToleranceRecord r = FC__V1__FAULT_TOLERANCE_RECORD__INIT;
    s_clears_t cl = {.n = 0};
    const fcctl_opt_t opts[] = {
        FCCTL_TEXT("mistake", 'm', &r.mistake), FCCTL_TEXT("reasons", 'r', &r.reasons),
        FCCTL_TEXT("by", 'b', &r.decided_by),   FCCTL_TIME("at", 'a', &r.decided_us),
        FCCTL_PARSE("clear", 'c', s_clears_add, &cl), FCCTL_OPTS_END};
    int rc = fcctl_parse_opts(argc, argv, opts, 1, 1);
    if (rc != FCCTL_OK)
        goto out;
    r.employee_no = argv[optind];
    r.cleared = cl.ptr;
    r.n_cleared = cl.n;
    Fc__V1__FaultToleranceRequest req = FC__V1__FAULT_TOLERANCE_REQUEST__INIT;
    req.record = &r;
    rc = s_call(ctl, "intake.fault_tolerance", &req.base,
                &fc__v1__fault_tolerance_reply__descriptor, on_tolerance);
out:
    s_clears_fini(&cl);
    return rc;
}

static void on_clarify(const ProtobufCMessage *m)
{
    printf("已记录澄清正名 %lld\n", (long long)((const Fc__V1__ClarificationReply *)m)->record_id);
}

/* `clarify EMPNO --complaint T --received TIME --findings T --by BODY [--at T] [--accuser T]
 * [--clear KIND:ID]...` */
static int cmd_clarify(fcctl_t *ctl, int argc, char **argv)
{
    Fc__V1__ClarificationRecord r = FC__V1__CLARIFICATION_RECORD__INIT;
    s_clears_t cl = {.n = 0};
    const fcctl_opt_t opts[] = {FCCTL_TEXT("complaint", 'C', &r.complaint),
                                FCCTL_TIME("received", 'R', &r.complaint_us),
                                FCCTL_TEXT("findings", 'f', &r.findings),
                                FCCTL_TEXT("by", 'b', &r.decided_by),
                                FCCTL_TIME("at", 'a', &r.clarified_us),
                                FCCTL_TEXT("accuser", 'x', &r.accuser_action),
                                FCCTL_PARSE("clear", 'c', s_clears_add, &cl),
                                FCCTL_OPTS_END};
    int rc = fcctl_parse_opts(argc, argv, opts, 1, 1);
    if (rc != FCCTL_OK)
        goto out;
    r.employee_no = argv[optind];
    r.cleared = cl.ptr;
    r.n_cleared = cl.n;
    Fc__V1__ClarificationRequest req = FC__V1__CLARIFICATION_REQUEST__INIT;
    req.record = &r;
    rc = s_call(ctl, "intake.clarification", &req.base, &fc__v1__clarification_reply__descriptor,
                on_clarify);
out:
    s_clears_fini(&cl);
    return rc;
}

static void on_disc_report(const ProtobufCMessage *m)
{
    printf("已登记歧视事件 %lld\n",
           (long long)((const Fc__V1__DiscriminationReportReply *)m)->case_id);
}

/* `discrimination report EMPNO (--staff | --family MEMBER) --desc T --reporter WHO [--at T]` */
static int cmd_disc_report(fcctl_t *ctl, int argc, char **argv)
{
    Fc__V1__DiscriminationCase d = FC__V1__DISCRIMINATION_CASE__INIT;
    static const struct option opts[] = {
        {"staff", no_argument, NULL, 's'},      {"family", required_argument, NULL, 'F'},
        {"desc", required_argument, NULL, 'd'}, {"reporter", required_argument, NULL, 'r'},
        {"at", required_argument, NULL, 'a'},   {0}};
    int c;
    while ((c = getopt_long(argc, argv, "sF:d:r:a:", opts, NULL)) != -1) {
        if (c == 's')
            d.victim = "staff";
        else if (c == 'F') {
            d.victim = "family";
            d.family_member = optarg;
        } else if (c == 'd')
            d.description = optarg;
        else if (c == 'r')
            d.reported_by = optarg;
        else if (c != 'a' || fcctl_time_arg("--at", optarg, &d.reported_us) != FCCTL_OK)
            return FCCTL_EUSAGE;
    }
    if (optind != argc - 1)
        return FCCTL_EUSAGE;
    d.employee_no = argv[optind];
    Fc__V1__DiscriminationReportRequest req = FC__V1__DISCRIMINATION_REPORT_REQUEST__INIT;
    req.report = &d;
    return s_call(ctl, "intake.discrimination_report", &req.base,
                  &fc__v1__discrimination_report_reply__descriptor, on_disc_report);
}

static void on_disc_step(const ProtobufCMessage *m)
{
    const Fc__V1__DiscriminationStepReply *r = (const Fc__V1__DiscriminationStepReply *)m;
    printf("歧视事件 %lld：%s\n", (long long)r->case_id, s_state_zh(r->state));
}

/* `discrimination step CASE_ID handling|closed --action T --by WHO [--outcome O] [--at T]` */
static int cmd_disc_step(fcctl_t *ctl, int argc, char **argv)
{
    Fc__V1__DiscriminationStepRequest req = FC__V1__DISCRIMINATION_STEP_REQUEST__INIT;
    const fcctl_opt_t opts[] = {FCCTL_TEXT("action", 'x', &req.action),
                                FCCTL_TEXT("by", 'b', &req.by),
                                FCCTL_TEXT("outcome", 'o', &req.outcome),
                                FCCTL_TIME("at", 'a', &req.at_us), FCCTL_OPTS_END};
    if (fcctl_parse_opts(argc, argv, opts, 2, 2) != FCCTL_OK ||
        fcctl_id_arg("case_id", argv[optind], &req.case_id) != FCCTL_OK)
        return FCCTL_EUSAGE;
    req.step = argv[optind + 1];
    return s_call(ctl, "intake.discrimination_step", &req.base,
                  &fc__v1__discrimination_step_reply__descriptor, on_disc_step);
}

/* `records EMPNO [--limit N]` or `records --org CODE [--open] [--limit N]` */
static int cmd_records(fcctl_t *ctl, int argc, char **argv)
{
    Fc__V1__RecordsListRequest req = FC__V1__RECORDS_LIST_REQUEST__INIT;
    static const struct option opts[] = {{"json", no_argument, NULL, 'j'},
                                         {"limit", required_argument, NULL, 'l'},
                                         {"org", required_argument, NULL, 'o'},
                                         {"open", no_argument, NULL, 'O'},
                                         {0}};
    int c;
    while ((c = getopt_long(argc, argv, "jl:o:O", opts, NULL)) != -1) {
        if (c == 'j')
            ctl->json = 1;
        else if (c == 'l')
            req.limit = atoi(optarg);
        else if (c == 'o')
            req.org_code = optarg;
        else if (c == 'O')
            req.open_only = 1;
        else
            return FCCTL_EUSAGE;
    }
    if (optind != argc - (req.org_code[0] ? 0 : 1))
        return FCCTL_EUSAGE;
    if (!req.org_code[0])
        req.employee_no = argv[optind];
    return s_call(ctl, "intake.records_list", &req.base, &fc__v1__records_list_reply__descriptor,
                  on_records);
}

static void on_village_assign(const ProtobufCMessage *m)
{
    printf("已登记驻村 %lld\n", (long long)((const Fc__V1__VillageAssignReply *)m)->assignment_id);
}

/* `village assign EMPNO --village V [--township T] [--start T] [--planned-return T]
 * [--record TEXT]` */
static int cmd_village_assign(fcctl_t *ctl, int argc, char **argv)
{
    Fc__V1__VillageAssignment a = FC__V1__VILLAGE_ASSIGNMENT__INIT;
    const fcctl_opt_t opts[] = {FCCTL_TEXT("village", 'v', &a.village),
                                FCCTL_TEXT("township", 't', &a.township),
                                FCCTL_TIME("start", 's', &a.start_us),
                                FCCTL_TIME("planned-return", 'p', &a.planned_return_us),
                                FCCTL_TEXT("record", 'r', &a.frontline_record), FCCTL_OPTS_END};
    if (fcctl_parse_opts(argc, argv, opts, 1, 1) != FCCTL_OK)
        return FCCTL_EUSAGE;
    a.employee_no = argv[optind];
    Fc__V1__VillageAssignRequest req = FC__V1__VILLAGE_ASSIGN_REQUEST__INIT;
    req.assignment = &a;
    return s_call(ctl, "intake.village_assign", &req.base,
                  &fc__v1__village_assign_reply__descriptor, on_village_assign);
}

static void on_village_update(const ProtobufCMessage *m)
{
    const Fc__V1__VillageUpdateReply *r = (const Fc__V1__VillageUpdateReply *)m;
    if (r->assignment)
        s_print_villages(&r->assignment, 1);
}

/* `village update ID [--planned-return T] [--record TEXT] [--returned T] [--note TEXT]` */
static int cmd_village_update(fcctl_t *ctl, int argc, char **argv)
{
    Fc__V1__VillageUpdateRequest req = FC__V1__VILLAGE_UPDATE_REQUEST__INIT;
    const fcctl_opt_t opts[] = {FCCTL_TIME("planned-return", 'p', &req.planned_return_us),
                                FCCTL_TEXT("record", 'r', &req.frontline_record_add),
                                FCCTL_TIME("returned", 'R', &req.returned_us),
                                FCCTL_TEXT("note", 'n', &req.return_note), FCCTL_OPTS_END};
    if (fcctl_parse_opts(argc, argv, opts, 1, 1) != FCCTL_OK ||
        fcctl_id_arg("assignment_id", argv[optind], &req.assignment_id) != FCCTL_OK)
        return FCCTL_EUSAGE;
    return s_call(ctl, "intake.village_update", &req.base,
                  &fc__v1__village_update_reply__descriptor, on_village_update);
}

static void on_village_list(const ProtobufCMessage *m)
{
    const Fc__V1__VillageListReply *r = (const Fc__V1__VillageListReply *)m;
    char a[40], b[40], c[40];
    printf("驻村第一书记 %d 人次（%s），本页 %zu 条\n", (int)r->total,
           strcmp(r->state, "on_assignment") == 0 ? "驻村中"
           : strcmp(r->state, "overdue") == 0     ? "逾期未返岗"
           : strcmp(r->state, "returned") == 0    ? "已返岗"
                                                  : "全部",
           r->n_items);
    for (size_t i = 0; i < r->n_items; i++) {
        const Fc__V1__VillageListItem *x = r->items[i];
        const Fc__V1__VillageAssignment *v = x->assignment;
        if (!v)
            continue;
        s_local(v->start_us, a, sizeof a);
        s_local(v->planned_return_us, b, sizeof b);
        s_local(v->returned_us, c, sizeof c);
        printf("  驻村 %lld  %s %s（%s）  %s%s%s  自 %s  计划返岗 %s  %s%s%s\n",
               (long long)v->assignment_id, v->employee_no, x->name, x->org_name, v->township,
               v->township[0] ? " " : "", v->village, a, b,
               v->returned_us ? "已返岗 " : x->overdue ? "逾期未返岗" : "在村",
               v->returned_us ? c : "", x->overdue ? " ！" : "");
    }
}

/* `village list [--org CODE] [--state on_assignment|overdue|returned|all] [--limit N]
 * [--offset N] [--json]` */
static int cmd_village_list(fcctl_t *ctl, int argc, char **argv)
{
    Fc__V1__VillageListRequest req = FC__V1__VILLAGE_LIST_REQUEST__INIT;
    protobuf_c_boolean json = 0;
    const fcctl_opt_t opts[] = {FCCTL_TEXT("org", 'o', &req.org_code),
                                FCCTL_TEXT("state", 's', &req.state),
                                FCCTL_NUM("limit", 'l', &req.limit),
                                FCCTL_NUM("offset", 'f', &req.offset),
                                FCCTL_FLAG("json", 'j', &json), FCCTL_OPTS_END};
    if (fcctl_parse_opts(argc, argv, opts, 0, 0) != FCCTL_OK)
        return FCCTL_EUSAGE;
    if (json)
        ctl->json = 1;
    return s_call(ctl, "intake.village_list", &req.base, &fc__v1__village_list_reply__descriptor,
                  on_village_list);
}

static int cmd_person_show(fcctl_t *ctl, int argc, char **argv)
{
    Fc__V1__PersonFileRequest req = FC__V1__PERSON_FILE_REQUEST__INIT;
    static const struct option opts[] = {
        {"json", no_argument, NULL, 'j'}, {"limit", required_argument, NULL, 'l'}, {0}};
    int c;
    while ((c = getopt_long(argc, argv, "jl:", opts, NULL)) != -1) {
        if (c == 'j')
            ctl->json = 1;
        else if (c == 'l')
            req.limit = atoi(optarg);
        else
            return FCCTL_EUSAGE;
    }
    if (optind != argc - 1)
        return FCCTL_EUSAGE;
    req.employee_no = argv[optind];
    int rc = s_call(ctl, "intake.person_file", &req.base, &fc__v1__person_file_reply__descriptor,
                    on_person_file_all);
    /* the 000 §9 records only to the group and the person's own subsidiary (silently) */
    if (rc == FCCTL_OK && !ctl->json)
        s_person_records(ctl, req.employee_no, req.limit);
    return rc;
}

/* ---- people search ---------------------------------------------------------------------- */

static const char *s_party_zh(const char *s)
{
    static const char *const map[][2] = {
        {"member", "党员"},       {"probationary", "预备党员"}, {"development_target", "发展对象"},
        {"activist", "积极分子"}, {"applicant", "申请人"},      {"none", "群众"}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(s, map[i][0]) == 0)
            return map[i][1];
    return s;
}

static void on_person_search(const ProtobufCMessage *m)
{
    const Fc__V1__PersonSearchReply *r = (const Fc__V1__PersonSearchReply *)m;
    if (!r->n_people)
        printf("未找到匹配的人员\n");
    for (size_t i = 0; i < r->n_people; i++) {
        const Fc__V1__PersonSearchHit *x = r->people[i];
        printf("%-12s %s  %s（%s）  %s  %s%s%s%s%s\n", x->employee_no, x->name, x->org_name,
               x->org_code, s_status(x->health_status), s_party_zh(x->party_status),
               strcmp(x->cadre_level, "none") != 0 ? "  干部：" : "",
               strcmp(x->cadre_level, "none") != 0 ? x->cadre_level : "",
               x->leadership_team ? "  班子成员" : "", x->fit_for_frontline ? "" : "  不适合一线");
    }
    if (r->more)
        printf("（还有更多结果：用 --offset 翻页，或缩小查询）\n");
}

/* `person search TEXT [--org CODE] [--limit N] [--offset N] [--json]` */
static int cmd_person_search(fcctl_t *ctl, int argc, char **argv)
{
    Fc__V1__PersonSearchRequest req = FC__V1__PERSON_SEARCH_REQUEST__INIT;
    static const struct option opts[] = {{"org", required_argument, NULL, 'o'},
                                         {"limit", required_argument, NULL, 'l'},
                                         {"offset", required_argument, NULL, 'f'},
                                         {"json", no_argument, NULL, 'j'},
                                         {0}};
    int c;
    while ((c = getopt_long(argc, argv, "o:l:f:j", opts, NULL)) != -1) {
        if (c == 'o')
            req.org_code = optarg;
        else if (c == 'l')
            req.limit = atoi(optarg);
        else if (c == 'f')
            req.offset = atoi(optarg);
        else if (c == 'j')
            ctl->json = 1;
        else
            return FCCTL_EUSAGE;
    }
    if (optind != argc - 1)
        return FCCTL_EUSAGE;
    req.query = argv[optind];
    return s_call(ctl, "intake.person_search", &req.base, &fc__v1__person_search_reply__descriptor,
                  on_person_search);
}

/* ---- CSV import ------------------------------------------------------------------------------ */

#define FCCTL_IMPORT_MAX_BYTES (64u * 1024 * 1024) /* 200k people are ~25 MB */
#define FCCTL_IMPORT_COMMIT_TIMEOUT_MS 600000

/* Sends the reader's pending rows and problems as one chunk. */
static int s_imp_flush(fcctl_t *ctl, intake_csv_rows_t *rows, const char *import_id)
{
    Fc__V1__ImportChunkRequest req = FC__V1__IMPORT_CHUNK_REQUEST__INIT;
    if (!intake_csv_rows_chunk(rows, &req))
        return FCCTL_OK;
    req.import_id = (char *)import_id;
    ProtobufCMessage *reply = NULL;
    int rc = fcctl_call(ctl, "intake", "intake.import_chunk", &req.base,
                        &fc__v1__import_chunk_reply__descriptor, &reply);
    protobuf_c_message_free_unpacked(reply, NULL);
    if (rc != FCCTL_OK)
        return rc;
    intake_csv_rows_sent(rows);
    return FCCTL_OK;
}

static void s_imp_print_problems(Fc__V1__ImportProblem *const *p, size_t n, json_t *list)
{
    for (size_t i = 0; i < n; i++) {
        if (list)
            json_array_append_new(list, json_pack("{s:i,s:s,s:s}", "line", (int)p[i]->line,
                                                  "column", p[i]->column, "reason", p[i]->reason));
        else
            fprintf(stderr, "line %d: %s: %s\n", (int)p[i]->line, p[i]->column, p[i]->reason);
    }
}

/* `import org|posts|people FILE [--skip-bad] [--check]` */
static int cmd_import(fcctl_t *ctl, int argc, char **argv)
{
    int skip_bad = 0, check = 0, rc = FCCTL_EUSAGE;
    static const struct option opts[] = {
        {"skip-bad", no_argument, NULL, 's'}, {"check", no_argument, NULL, 'c'}, {0}};
    int c;
    while ((c = getopt_long(argc, argv, "sc", opts, NULL)) != -1) {
        if (c == 's')
            skip_bad = 1;
        else if (c == 'c')
            check = 1;
        else
            return FCCTL_EUSAGE;
    }
    if (optind != argc - 2)
        return FCCTL_EUSAGE;
    const char *kind = argv[optind];
    const char *file = argv[optind + 1];
    char import_id[64] = "";
    intake_csv_rows_t *rows = intake_csv_rows_new(kind, stderr);
    if (!rows) {
        fprintf(stderr, "fcctl: import: \"%s\" is not one of org|posts|people\n", kind);
        return FCCTL_EUSAGE;
    }
    FILE *f = strcmp(file, "-") == 0 ? stdin : fopen(file, "rb");
    if (!f) {
        fprintf(stderr, "fcctl: import: could not open \"%s\"\n", file);
        intake_csv_rows_destroy(&rows);
        return FCCTL_EUSAGE;
    }
    struct stat st;
    long long size = fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) ? (long long)st.st_size : -1;
    json_t *out = NULL;
    Fc__V1__ImportCommitReply *cr = NULL;
    rc = FCCTL_EREJECTED;
    if (size > (long long)FCCTL_IMPORT_MAX_BYTES) {
        fprintf(stderr,
                "line 0: file: 文件 %lld 字节，超过 %u MiB "
                "的上限（远大于任何实际名册），未导入任何数据\n",
                size, FCCTL_IMPORT_MAX_BYTES >> 20);
        goto out;
    }
    if (!intake_csv_rows_header(rows, f, FCCTL_IMPORT_MAX_BYTES)) {
        fprintf(stderr, "fcctl: import: 表头有误，未导入任何数据\n");
        goto out;
    }
    Fc__V1__ImportBeginRequest br = FC__V1__IMPORT_BEGIN_REQUEST__INIT;
    br.kind = (char *)kind;
    br.skip_bad = skip_bad;
    br.file_name = (char *)file;
    ProtobufCMessage *reply = NULL;
    if ((rc = fcctl_call(ctl, "intake", "intake.import_begin", &br.base,
                         &fc__v1__import_begin_reply__descriptor, &reply)) != FCCTL_OK)
        goto out;
    snprintf(import_id, sizeof import_id, "%s", ((Fc__V1__ImportBeginReply *)reply)->import_id);
    protobuf_c_message_free_unpacked(reply, NULL);
    /* a progress line after each chunk sent before the end: files of more than one chunk */
    int progress = 1;
    for (;;) {
        int r = intake_csv_rows_fill(rows);
        if (r == INTAKE_CSV_FATAL) {
            fprintf(stderr, "fcctl: import: 文件无法继续读取，未导入任何数据\n");
            rc = FCCTL_EREJECTED;
            goto out;
        }
        if (r == INTAKE_CSV_EOF)
            break;
        if ((rc = s_imp_flush(ctl, rows, import_id)) != FCCTL_OK)
            goto out;
        if (progress)
            fprintf(stderr, "fcctl: 导入进度：已读取 %ld 行%s", intake_csv_rows_progress(rows),
                    size > 0 ? "" : "\n");
        if (progress && size > 0)
            fprintf(stderr, "（%d%%）\n",
                    (int)(100.0 * (double)intake_csv_rows_bytes(rows) / (double)size));
    }
    if ((rc = s_imp_flush(ctl, rows, import_id)) != FCCTL_OK)
        goto out;
    Fc__V1__ImportCommitRequest cq = FC__V1__IMPORT_COMMIT_REQUEST__INIT;
    cq.import_id = import_id;
    cq.chunks = intake_csv_rows_seq(rows);
    cq.dry_run = check;
    int saved_timeout = ctl->timeout_ms;
    if (ctl->timeout_ms < FCCTL_IMPORT_COMMIT_TIMEOUT_MS)
        ctl->timeout_ms = FCCTL_IMPORT_COMMIT_TIMEOUT_MS;
    if (intake_csv_rows_seq(rows) > 1)
        fprintf(stderr, "fcctl: 已上传 %d 块，服务端校验并写入中……\n", intake_csv_rows_seq(rows));
    rc = fcctl_call(ctl, "intake", "intake.import_commit", &cq.base,
                    &fc__v1__import_commit_reply__descriptor, (ProtobufCMessage **)&cr);
    ctl->timeout_ms = saved_timeout;
    if (rc != FCCTL_OK)
        goto out;
    json_t *list = ctl->json ? json_array() : NULL;
    s_imp_print_problems(cr->problems, cr->n_problems, list);
    /* the rest of the problems, a page at a time */
    for (int off = (int)cr->n_problems; off < cr->total_problems && rc == FCCTL_OK;) {
        Fc__V1__ImportProblemsRequest pq = FC__V1__IMPORT_PROBLEMS_REQUEST__INIT;
        pq.import_id = import_id;
        pq.offset = off;
        pq.limit = 2000;
        ProtobufCMessage *pr = NULL;
        rc = fcctl_call(ctl, "intake", "intake.import_problems", &pq.base,
                        &fc__v1__import_problems_reply__descriptor, &pr);
        if (rc != FCCTL_OK)
            break;
        Fc__V1__ImportProblemsReply *p = (Fc__V1__ImportProblemsReply *)pr;
        s_imp_print_problems(p->problems, p->n_problems, list);
        off += (int)p->n_problems;
        if (!p->n_problems)
            off = cr->total_problems;
        protobuf_c_message_free_unpacked(pr, NULL);
    }
    if (ctl->json) {
        out = json_pack("{s:s,s:s,s:b,s:b,s:i,s:i,s:i,s:i,s:i,s:i,s:o}", "import_id", import_id,
                        "kind", kind, "applied", cr->applied, "check", check, "rows", cr->rows,
                        "inserted", cr->inserted, "updated", cr->updated, "unchanged",
                        cr->unchanged, "bad", cr->bad, "linked", cr->linked, "problems", list);
        char *s = json_dumps(out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        puts(s);
        free(s);
    } else if (check) {
        printf("检查 %s：共 %d 行，错误 %d 行（未导入）\n", kind, (int)cr->rows, (int)cr->bad);
    } else if (cr->applied) {
        printf("导入 %s：共 %d 行，新增 %d，更新 %d，未变 %d%s", kind, (int)cr->rows,
               (int)cr->inserted, (int)cr->updated, (int)cr->unchanged, cr->bad ? "" : "\n");
        if (cr->bad)
            printf("，跳过错误行 %d 行\n", (int)cr->bad);
    } else {
        printf("导入 %s：共 %d 行，其中 %d 行有错误，未导入任何数据（可用 --skip-bad "
               "只导入正确的行）\n",
               kind, (int)cr->rows, (int)cr->bad);
    }
    if (rc == FCCTL_OK)
        rc = cr->bad || cr->total_problems ? FCCTL_EREJECTED : FCCTL_OK;
out:
    if (cr)
        protobuf_c_message_free_unpacked(&cr->base, NULL);
    json_decref(out);
    intake_csv_rows_destroy(&rows);
    if (f != stdin)
        fclose(f);
    return rc;
}

const fcctl_cmd_t fcctl_intake_cmds[] = {
    {"org add", "org add CODE --name NAME --kind KIND [--parent CODE] [--liaison]",
     "creates or updates an organisation unit", cmd_org_add},
    {"person add",
     "person add EMPNO --name NAME --org CODE [--phone P] [--party S] [--cadre L] "
     "[--spouse EMPNO] [--leadership] [--young-cadre] [--reserve-pool] [--medical] [--aid-team] "
     "[--elderly] [--children] [--unfit]",
     "creates or updates a person", cmd_person_add},
    {"person show", "person show EMPNO [--json] [--limit N]",
     "a person's whole story: org path, attributes, duty hours, health, incidents, cases",
     cmd_person_show},
    {"person search", "person search TEXT [--org CODE] [--limit N] [--offset N] [--json]",
     "finds people of the subtree by employee number prefix or part of the name",
     cmd_person_search},
    {"post add",
     "post add CODE --org CODE --name NAME --kind KIND --risk 1|2 --shifts "
     "'HH:MM-HH:MM*N;...'",
     "creates or updates a frontline post or team", cmd_post_add},
    {"post show", "post show CODE", "shows a post and its shifts", cmd_post_show},
    {"checkin", "checkin EMPNO TEMP [--at TIME] | checkin --file CSV",
     "records health check-ins (temperature in °C, e.g. 36.5)", cmd_checkin},
    {"status",
     "status EMPNO healthy|observation|quarantined|suspected|confirmed|recovered|"
     "deceased [--reason R] [--at TIME]",
     "changes a person's health status (legal transitions only)", cmd_status},
    {"duty in", "duty in EMPNO POST [--at TIME]", "checks a person in on duty at a post",
     cmd_duty_in},
    {"duty out", "duty out EMPNO [--at TIME]", "checks a person out; hours are derived",
     cmd_duty_out},
    {"incident",
     "incident EMPNO injured|fell_ill|infected|quarantined|died [--desc TEXT] "
     "[--at TIME] [--on-duty]",
     "reports an incident (died/infected: major, first-time report to the group)", cmd_incident},
    {"keygroup open",
     "keygroup open EMPNO --category confirmed|suspected|fever|close_contact --volunteer EMPNO "
     "[--phone P] [--location L] [--note N] [--at TIME]",
     "opens the one-person-one-file of a key-group person", cmd_keygroup_open},
    {"keygroup contact",
     "keygroup contact FILE_ID --kind phone_call|psych_care|groceries|visit|other --by EMPNO "
     "[--note N] [--at TIME]",
     "logs a service contact on a key-group file", cmd_keygroup_contact},
    {"keygroup close", "keygroup close FILE_ID [--note N] [--at TIME]", "closes a key-group file",
     cmd_keygroup_close},
    {"case open",
     "case open EMPNO --category elderly_care|child_care|illness|income|housing|other "
     "--liaison EMPNO --desc TEXT [--fen N]",
     "opens a hardship case with its one-to-one liaison", cmd_case_open},
    {"case close", "case close CASE_ID [--note N]", "closes a hardship case", cmd_case_close},
    {"weekly submit",
     "weekly submit EMPNO --org SUBSIDIARY --week 2026-W47 --duty TEXT --production TEXT "
     "[--outbreak] [--unstable]",
     "submits a leadership-team member's weekly report", cmd_weekly},
    {"keyevent", "keyevent EMPNO --good|--bad --desc TEXT [--at TIME]",
     "records a cadre's key event or concrete example", cmd_keyevent},
    {"merit",
     "merit EMPNO commendation|merit|public_praise|accountability|reassignment|disciplinary "
     "--reason TEXT [--by ISSUER] [--at TIME]",
     "records a commendation or an accountability", cmd_merit},
    {"candidate", "candidate EMPNO --reason TEXT [--fast-track]",
     "proposes a Party development candidate", cmd_candidate},
    {"tolerance",
     "tolerance EMPNO --mistake TEXT --reasons TEXT --by BODY [--at TIME] "
     "[--clear key_event:ID|merit:ID]...",
     "records a cadre's mistake judged excusable (容错免责)", cmd_tolerance},
    {"clarify",
     "clarify EMPNO --complaint TEXT --received TIME --findings TEXT --by BODY [--at TIME] "
     "[--accuser TEXT] [--clear key_event:ID|merit:ID]...",
     "records a false complaint clarified (澄清正名): cleared records leave the assessment",
     cmd_clarify},
    {"discrimination report",
     "discrimination report EMPNO --staff|--family MEMBER --desc TEXT --reporter WHO [--at TIME]",
     "reports discrimination against a frontline person or their family", cmd_disc_report},
    {"discrimination step",
     "discrimination step CASE_ID handling|closed --action TEXT --by WHO "
     "[--outcome education|punished|unfounded|other] [--at TIME]",
     "records a handling step or closes a discrimination case", cmd_disc_step},
    {"records", "records EMPNO | records --org SUBSIDIARY [--open]  [--json] [--limit N]",
     "a person's fault-tolerance, clarification and discrimination records (group and own "
     "subsidiary only)",
     cmd_records},
    {"village assign",
     "village assign EMPNO --village NAME [--township NAME] [--start TIME] "
     "[--planned-return TIME] [--record TEXT]",
     "records a village first secretary's assignment (驻村第一书记)", cmd_village_assign},
    {"village update",
     "village update ID [--planned-return TIME] [--record TEXT] [--returned TIME] [--note TEXT]",
     "a village assignment: planned return, frontline record, actual return", cmd_village_update},
    {"village list",
     "village list [--org CODE] [--state on_assignment|overdue|returned|all] [--limit N] "
     "[--offset N] [--json]",
     "the village assignments of a subtree, newest first; overdue ones marked", cmd_village_list},
    {"import", "import org|posts|people FILE [--skip-bad] [--check]",
     "imports a CSV file: all or nothing unless --skip-bad; every bad row listed", cmd_import},
    {NULL, NULL, NULL, NULL},
};

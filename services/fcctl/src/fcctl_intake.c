/* fcctl_intake: organisation units, people and health check-ins. */
#include "fcctl.h"
#include "fc/v1/intake.pb-c.h"
#include "fc_clock.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FCCTL_CHECKIN_BATCH 1000

static int cmd_org_add(fcctl_t *ctl, int argc, char **argv)
{
    Fc__V1__OrgUnit u = FC__V1__ORG_UNIT__INIT;
    static const struct option opts[] = {{"parent", required_argument, NULL, 'p'},
                                         {"name", required_argument, NULL, 'n'},
                                         {"kind", required_argument, NULL, 'k'},
                                         {"liaison", no_argument, NULL, 'l'},
                                         {0}};
    int c;
    while ((c = getopt_long(argc, argv, "p:n:k:l", opts, NULL)) != -1) {
        switch (c) {
        case 'p': u.parent_code = optarg; break;
        case 'n': u.name = optarg; break;
        case 'k': u.kind = optarg; break;
        case 'l': u.liaison_unit = 1; break;
        default: return FCCTL_EUSAGE;
        }
    }
    if (optind != argc - 1)
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
               r->inserted ? "已新建" : r->updated ? "已更新" : "无变化");
    protobuf_c_message_free_unpacked(reply, NULL);
    return FCCTL_OK;
}

static int cmd_person_add(fcctl_t *ctl, int argc, char **argv)
{
    Fc__V1__Person p = FC__V1__PERSON__INIT;
    p.fit_for_frontline = 1;
    static const struct option opts[] = {{"name", required_argument, NULL, 'n'},
                                         {"org", required_argument, NULL, 'o'},
                                         {"phone", required_argument, NULL, 'p'},
                                         {"party", required_argument, NULL, 'P'},
                                         {"cadre", required_argument, NULL, 'c'},
                                         {"spouse", required_argument, NULL, 's'},
                                         {"leadership", no_argument, NULL, 'L'},
                                         {"young-cadre", no_argument, NULL, 'Y'},
                                         {"unfit", no_argument, NULL, 'U'},
                                         {0}};
    int c;
    while ((c = getopt_long(argc, argv, "n:o:p:P:c:s:LYU", opts, NULL)) != -1) {
        switch (c) {
        case 'n': p.name = optarg; break;
        case 'o': p.org_code = optarg; break;
        case 'p': p.phone = optarg; break;
        case 'P': p.party_status = optarg; break;
        case 'c': p.cadre_level = optarg; break;
        case 's': p.spouse_employee_no = optarg; break;
        case 'L': p.leadership_team = 1; break;
        case 'Y': p.young_cadre = 1; break;
        case 'U': p.fit_for_frontline = 0; break;
        default: return FCCTL_EUSAGE;
        }
    }
    if (optind != argc - 1)
        return FCCTL_EUSAGE;
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
               r->inserted ? "已新建" : r->updated ? "已更新" : "无变化");
    protobuf_c_message_free_unpacked(reply, NULL);
    return FCCTL_OK;
}

static int cmd_person_show(fcctl_t *ctl, int argc, char **argv)
{
    if (argc != 2)
        return FCCTL_EUSAGE;
    Fc__V1__PersonGetRequest req = FC__V1__PERSON_GET_REQUEST__INIT;
    req.employee_no = argv[1];
    ProtobufCMessage *reply = NULL;
    int rc = fcctl_call(ctl, "intake", "intake.person_get", &req.base,
                        &fc__v1__person_get_reply__descriptor, &reply);
    if (rc != FCCTL_OK)
        return rc;
    const Fc__V1__Person *p = ((Fc__V1__PersonGetReply *)reply)->person;
    if (ctl->json) {
        fcctl_print_json(reply);
    } else if (p) {
        static const char *status[] = {"未知", "健康", "医学观察", "隔离", "疑似", "确诊",
                                       "已康复", "已故"};
        printf("工号      %s\n姓名      %s\n组织      %s\n电话      %s\n政治面貌  %s\n"
               "干部级别  %s\n配偶工号  %s\n一线适岗  %s\n健康状态  %s\n",
               p->employee_no, p->name, p->org_code, p->phone, p->party_status, p->cadre_level,
               p->spouse_employee_no[0] ? p->spouse_employee_no : "—",
               p->fit_for_frontline ? "是" : "否",
               status[p->health_status >= 0 && p->health_status <= 7 ? p->health_status : 0]);
    }
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
    static const struct option opts[] = {{"file", required_argument, NULL, 'f'},
                                         {"at", required_argument, NULL, 'a'},
                                         {0}};
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
    char (*emp)[64] = calloc(FCCTL_CHECKIN_BATCH, sizeof *emp);
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

const fcctl_cmd_t fcctl_intake_cmds[] = {
    {"org add", "org add CODE --name NAME --kind KIND [--parent CODE] [--liaison]",
     "creates or updates an organisation unit", cmd_org_add},
    {"person add",
     "person add EMPNO --name NAME --org CODE [--phone P] [--party S] [--cadre L] "
     "[--spouse EMPNO] [--leadership] [--young-cadre] [--unfit]",
     "creates or updates a person", cmd_person_add},
    {"person show", "person show EMPNO", "shows what is known about a person", cmd_person_show},
    {"checkin", "checkin EMPNO TEMP [--at TIME] | checkin --file CSV",
     "records health check-ins (temperature in °C, e.g. 36.5)", cmd_checkin},
    {NULL, NULL, NULL, NULL},
};

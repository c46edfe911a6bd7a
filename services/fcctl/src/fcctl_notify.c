/* fcctl_notify: the notify service's commands: a person's inbox, delivery status, tasks
 * (list, record done), where departments and people receive messages, branch secretaries,
 * the health check campaign, ad-hoc reminders and retrying a dead delivery. */
#include "fcctl.h"
#include "fcctl_opts.h"
#include "fc/v1/notify.pb-c.h"
#include "fc_clock.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FCCTL_MAX_LIST 16

static void s_time(int64_t us, char *buf, size_t n)
{
    if (!us) {
        snprintf(buf, n, "—");
        return;
    }
    char full[32];
    fc_time_format_local(us, full, sizeof full);
    snprintf(buf, n, "%.16s", full);
}

/* "a,b,c" into at most max pointers into s (modified in place). */
static size_t s_split(char *s, char **out, size_t max)
{
    size_t n = 0;
    for (char *tok = strtok(s, ","); tok && n < max; tok = strtok(NULL, ","))
        if (*tok)
            out[n++] = tok;
    return n;
}

/* A comma-separated list option (an fcctl_opt_t parse function; arg: an s_list_t). */
typedef struct {
    char **items;
    size_t *n;
} s_list_t;

static int s_list_opt(const char *opt, const char *value, void *arg)
{
    (void)opt;
    s_list_t *l = arg;
    *l->n = s_split((char *)value, l->items, FCCTL_MAX_LIST);
    return FCCTL_OK;
}

static const char *s_state_zh(const char *s)
{
    static const char *map[][2] = {
        {"queued", "排队"},       {"sending", "发送中"}, {"sent", "已发送"},
        {"failed", "失败待重试"}, {"dead", "已放弃"},    {"cancelled", "已取消"},
        {"ok", "正常"},           {"open", "待办"},      {"done", "已完成"}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(map[i][0], s) == 0)
            return map[i][1];
    return s;
}

static int cmd_inbox(fcctl_t *ctl, int argc, char **argv)
{
    Fc__V1__InboxRequest req = FC__V1__INBOX_REQUEST__INIT;
    static const struct option opts[] = {{"unread", no_argument, NULL, 'u'},
                                         {"read", no_argument, NULL, 'r'},
                                         {"limit", required_argument, NULL, 'n'},
                                         {0}};
    int c;
    while ((c = getopt_long(argc, argv, "urn:", opts, NULL)) != -1) {
        switch (c) {
        case 'u':
            req.unread_only = 1;
            break;
        case 'r':
            req.mark_read = 1;
            break;
        case 'n':
            req.limit = atoi(optarg);
            break;
        default:
            return FCCTL_EUSAGE;
        }
    }
    if (optind != argc - 1)
        return FCCTL_EUSAGE;
    req.recipient = argv[optind];
    ProtobufCMessage *reply = NULL;
    int rc = fcctl_call(ctl, "notify", "notify.inbox", &req.base, &fc__v1__inbox_reply__descriptor,
                        &reply);
    if (rc != FCCTL_OK)
        return rc;
    const Fc__V1__InboxReply *r = (const Fc__V1__InboxReply *)reply;
    if (ctl->json) {
        fcctl_print_json(reply);
    } else {
        printf("%s 的站内信：%zu 条，未读 %lld 条\n", req.recipient, r->n_items,
               (long long)r->unread);
        for (size_t i = 0; i < r->n_items; i++) {
            char at[24];
            s_time(r->items[i]->at_us, at, sizeof at);
            printf("%s %s [%s] %s\n    %s\n", r->items[i]->read ? " " : "*", at, r->items[i]->kind,
                   r->items[i]->title, r->items[i]->body);
        }
    }
    protobuf_c_message_free_unpacked(reply, NULL);
    return FCCTL_OK;
}

static int cmd_status(fcctl_t *ctl, int argc, char **argv)
{
    Fc__V1__StatusRequest req = FC__V1__STATUS_REQUEST__INIT;
    static const struct option opts[] = {{"recipient", required_argument, NULL, 'r'},
                                         {"kind", required_argument, NULL, 'k'},
                                         {"subject", required_argument, NULL, 's'},
                                         {"state", required_argument, NULL, 'S'},
                                         {"reminder", required_argument, NULL, 'm'},
                                         {"limit", required_argument, NULL, 'n'},
                                         {0}};
    int c;
    while ((c = getopt_long(argc, argv, "r:k:s:S:m:n:", opts, NULL)) != -1) {
        switch (c) {
        case 'r':
            req.recipient = optarg;
            break;
        case 'k':
            req.kind = optarg;
            break;
        case 's':
            req.subject = optarg;
            break;
        case 'S':
            req.state = optarg;
            break;
        case 'm':
            req.reminder_id = atoll(optarg);
            break;
        case 'n':
            req.limit = atoi(optarg);
            break;
        default:
            return FCCTL_EUSAGE;
        }
    }
    if (optind != argc)
        return FCCTL_EUSAGE;
    ProtobufCMessage *reply = NULL;
    int rc = fcctl_call(ctl, "notify", "notify.status", &req.base,
                        &fc__v1__status_reply__descriptor, &reply);
    if (rc != FCCTL_OK)
        return rc;
    const Fc__V1__StatusReply *r = (const Fc__V1__StatusReply *)reply;
    if (ctl->json) {
        fcctl_print_json(reply);
    } else {
        printf("投递：排队 %lld，发送中 %lld，已发送 %lld，失败待重试 %lld，已放弃 %lld；"
               "待发提醒 %lld；无法发送的消息 %lld\n",
               (long long)r->queued, (long long)r->sending, (long long)r->sent,
               (long long)r->failed, (long long)r->dead, (long long)r->reminders_scheduled,
               (long long)r->messages_failed);
        for (size_t i = 0; i < r->n_messages; i++) {
            const Fc__V1__Message *m = r->messages[i];
            char at[24];
            s_time(m->created_us, at, sizeof at);
            printf("\n#%lld %s %s → %s %s（%s）%s\n    %s\n", (long long)m->message_id, at, m->kind,
                   m->recipient, m->recipient_name, m->lang, s_state_zh(m->state), m->title);
            if (*m->error)
                printf("    原因：%s\n", m->error);
            for (size_t k = 0; k < m->n_deliveries; k++) {
                const Fc__V1__Delivery *d = m->deliveries[k];
                char sent[24], next[24];
                s_time(d->sent_us, sent, sizeof sent);
                s_time(d->next_us, next, sizeof next);
                printf("    [%lld] %-6s %-8s 尝试 %d 次", (long long)d->delivery_id, d->channel,
                       s_state_zh(d->state), d->attempts);
                if (strcmp(d->state, "sent") == 0)
                    printf("，发送于 %s", sent);
                else if (d->next_us)
                    printf("，下次 %s", next);
                if (d->in_doubt_resends)
                    printf("，结果不明后重发 %d 次", d->in_doubt_resends);
                if (*d->last_error)
                    printf("，%s", d->last_error);
                printf("\n");
            }
        }
    }
    protobuf_c_message_free_unpacked(reply, NULL);
    return FCCTL_OK;
}

static void s_print_task(const Fc__V1__Task *t)
{
    char due[24], done[24];
    s_time(t->due_us, due, sizeof due);
    s_time(t->done_us, done, sizeof done);
    printf("#%lld %-16s %-24s %-10s %s 期限 %s%s%s%s\n", (long long)t->task_id, t->kind, t->subject,
           *t->period ? t->period : "—", s_state_zh(t->state), due,
           strcmp(t->state, "done") == 0 ? "，完成于 " : "",
           strcmp(t->state, "done") == 0 ? done : "", t->escalated ? "，已督办" : "");
}

static int cmd_done(fcctl_t *ctl, int argc, char **argv)
{
    Fc__V1__TaskDoneRequest req = FC__V1__TASK_DONE_REQUEST__INIT;
    static const struct option opts[] = {
        {"kind", required_argument, NULL, 'k'},   {"subject", required_argument, NULL, 's'},
        {"period", required_argument, NULL, 'p'}, {"note", required_argument, NULL, 'N'},
        {"at", required_argument, NULL, 'a'},     {0}};
    int c, rc;
    while ((c = getopt_long(argc, argv, "k:s:p:N:a:", opts, NULL)) != -1) {
        switch (c) {
        case 'k':
            req.kind = optarg;
            break;
        case 's':
            req.subject = optarg;
            break;
        case 'p':
            req.period = optarg;
            break;
        case 'N':
            req.note = optarg;
            break;
        case 'a':
            if ((rc = fcctl_time_arg("--at", optarg, &req.at_us)) != FCCTL_OK)
                return rc;
            break;
        default:
            return FCCTL_EUSAGE;
        }
    }
    if (optind == argc - 1)
        req.task_id = atoll(argv[optind]);
    else if (optind != argc)
        return FCCTL_EUSAGE;
    ProtobufCMessage *reply = NULL;
    rc = fcctl_call(ctl, "notify", "notify.task_done", &req.base,
                    &fc__v1__task_done_reply__descriptor, &reply);
    if (rc != FCCTL_OK)
        return rc;
    const Fc__V1__TaskDoneReply *r = (const Fc__V1__TaskDoneReply *)reply;
    if (ctl->json) {
        fcctl_print_json(reply);
    } else {
        printf("%s，取消了 %d 条未发的提醒\n",
               r->already_done ? "该任务此前已登记完成" : "已登记完成", r->cancelled_reminders);
        if (r->task)
            s_print_task(r->task);
    }
    protobuf_c_message_free_unpacked(reply, NULL);
    return FCCTL_OK;
}

static int cmd_tasks(fcctl_t *ctl, int argc, char **argv)
{
    Fc__V1__TaskListRequest req = FC__V1__TASK_LIST_REQUEST__INIT;
    static const struct option opts[] = {
        {"state", required_argument, NULL, 'S'},    {"kind", required_argument, NULL, 'k'},
        {"employee", required_argument, NULL, 'e'}, {"org", required_argument, NULL, 'o'},
        {"limit", required_argument, NULL, 'n'},    {0}};
    int c;
    while ((c = getopt_long(argc, argv, "S:k:e:o:n:", opts, NULL)) != -1) {
        switch (c) {
        case 'S':
            req.state = optarg;
            break;
        case 'k':
            req.kind = optarg;
            break;
        case 'e':
            req.employee_no = optarg;
            break;
        case 'o':
            req.org_code = optarg;
            break;
        case 'n':
            req.limit = atoi(optarg);
            break;
        default:
            return FCCTL_EUSAGE;
        }
    }
    if (optind != argc)
        return FCCTL_EUSAGE;
    ProtobufCMessage *reply = NULL;
    int rc = fcctl_call(ctl, "notify", "notify.tasks", &req.base,
                        &fc__v1__task_list_reply__descriptor, &reply);
    if (rc != FCCTL_OK)
        return rc;
    const Fc__V1__TaskListReply *r = (const Fc__V1__TaskListReply *)reply;
    if (ctl->json) {
        fcctl_print_json(reply);
    } else {
        printf("任务 %lld 个（显示 %zu 个）\n", (long long)r->total, r->n_tasks);
        for (size_t i = 0; i < r->n_tasks; i++)
            s_print_task(r->tasks[i]);
    }
    protobuf_c_message_free_unpacked(reply, NULL);
    return FCCTL_OK;
}

static int cmd_desk(fcctl_t *ctl, int argc, char **argv)
{
    Fc__V1__DeskSetRequest req = FC__V1__DESK_SET_REQUEST__INIT;
    char *channels[FCCTL_MAX_LIST];
    s_list_t list = {channels, &req.n_channels};
    req.channels = channels;
    const fcctl_opt_t opts[] = {FCCTL_TEXT("name", 'n', &req.name),
                                FCCTL_TEXT("wecom", 'w', &req.wecom_url),
                                FCCTL_TEXT("email", 'e', &req.email),
                                FCCTL_TEXT("phone", 'p', &req.phone),
                                FCCTL_TEXT("lang", 'l', &req.lang),
                                FCCTL_PARSE("channels", 'c', s_list_opt, &list), FCCTL_OPTS_END};
    if (fcctl_parse_opts(argc, argv, opts, 1, 1) != FCCTL_OK)
        return FCCTL_EUSAGE;
    req.org_code = argv[optind];
    ProtobufCMessage *reply = NULL;
    int rc = fcctl_call(ctl, "notify", "notify.desk_set", &req.base,
                        &fc__v1__desk_set_reply__descriptor, &reply);
    if (rc != FCCTL_OK)
        return rc;
    if (ctl->json)
        fcctl_print_json(reply);
    else
        printf("组织 %s 的组织部门接收方式：%s\n", req.org_code,
               ((Fc__V1__DeskSetReply *)reply)->inserted ? "已设置" : "已更新");
    protobuf_c_message_free_unpacked(reply, NULL);
    return FCCTL_OK;
}

static int cmd_prefs(fcctl_t *ctl, int argc, char **argv)
{
    Fc__V1__PrefSetRequest req = FC__V1__PREF_SET_REQUEST__INIT;
    char *channels[FCCTL_MAX_LIST];
    s_list_t list = {channels, &req.n_channels};
    req.channels = channels;
    const fcctl_opt_t opts[] = {FCCTL_PARSE("channels", 'c', s_list_opt, &list),
                                FCCTL_TEXT("lang", 'l', &req.lang),
                                FCCTL_TEXT("email", 'e', &req.email),
                                FCCTL_TEXT("wecom", 'w', &req.wecom_url), FCCTL_OPTS_END};
    if (fcctl_parse_opts(argc, argv, opts, 1, 1) != FCCTL_OK)
        return FCCTL_EUSAGE;
    req.employee_no = argv[optind];
    ProtobufCMessage *reply = NULL;
    int rc = fcctl_call(ctl, "notify", "notify.pref_set", &req.base,
                        &fc__v1__pref_set_reply__descriptor, &reply);
    if (rc != FCCTL_OK)
        return rc;
    if (ctl->json)
        fcctl_print_json(reply);
    else
        printf("%s 的接收偏好：%s\n", req.employee_no,
               ((Fc__V1__PrefSetReply *)reply)->inserted ? "已设置" : "已更新");
    protobuf_c_message_free_unpacked(reply, NULL);
    return FCCTL_OK;
}

static int cmd_secretary(fcctl_t *ctl, int argc, char **argv)
{
    Fc__V1__SecretarySetRequest req = FC__V1__SECRETARY_SET_REQUEST__INIT;
    if (argc != 3 && argc != 2)
        return FCCTL_EUSAGE;
    req.org_code = argv[1];
    req.employee_no = argc == 3 ? argv[2] : "";
    ProtobufCMessage *reply = NULL;
    int rc = fcctl_call(ctl, "notify", "notify.secretary_set", &req.base,
                        &fc__v1__secretary_set_reply__descriptor, &reply);
    if (rc != FCCTL_OK)
        return rc;
    if (ctl->json)
        fcctl_print_json(reply);
    else if (*req.employee_no)
        printf("组织 %s 的党支部书记：%s%s\n", req.org_code, req.employee_no,
               ((Fc__V1__SecretarySetReply *)reply)->changed ? "" : "（无变化）");
    else
        printf("组织 %s 的党支部书记指定已清除\n", req.org_code);
    protobuf_c_message_free_unpacked(reply, NULL);
    return FCCTL_OK;
}

static int cmd_campaign(fcctl_t *ctl, int argc, char **argv)
{
    Fc__V1__CampaignStartRequest req = FC__V1__CAMPAIGN_START_REQUEST__INIT;
    static const struct option opts[] = {{"org", required_argument, NULL, 'o'}, {0}};
    int c;
    while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
        switch (c) {
        case 'o':
            req.org_code = optarg;
            break;
        default:
            return FCCTL_EUSAGE;
        }
    }
    if (optind != argc - 1)
        return FCCTL_EUSAGE;
    req.kind = argv[optind];
    ProtobufCMessage *reply = NULL;
    int rc = fcctl_call(ctl, "notify", "notify.campaign_start", &req.base,
                        &fc__v1__campaign_start_reply__descriptor, &reply);
    if (rc != FCCTL_OK)
        return rc;
    const Fc__V1__CampaignStartReply *r = (const Fc__V1__CampaignStartReply *)reply;
    if (ctl->json)
        fcctl_print_json(reply);
    else
        printf("免费健康体检提醒：新建 %d 人，此前已有 %d 人\n", r->tasks, r->existing);
    protobuf_c_message_free_unpacked(reply, NULL);
    return FCCTL_OK;
}

static int cmd_remind(fcctl_t *ctl, int argc, char **argv)
{
    Fc__V1__ReminderSpec spec = FC__V1__REMINDER_SPEC__INIT;
    char *to[FCCTL_MAX_LIST];
    Fc__V1__ReminderSpec__VarsEntry vars[FCCTL_MAX_LIST], *pvars[FCCTL_MAX_LIST];
    static const struct option opts[] = {
        {"kind", required_argument, NULL, 'k'},   {"subject", required_argument, NULL, 's'},
        {"period", required_argument, NULL, 'p'}, {"employee", required_argument, NULL, 'e'},
        {"org", required_argument, NULL, 'o'},    {"due", required_argument, NULL, 'd'},
        {"urgent", no_argument, NULL, 'u'},       {"to", required_argument, NULL, 't'},
        {"var", required_argument, NULL, 'v'},    {0}};
    int c, rc;
    spec.kind = "notice";
    while ((c = getopt_long(argc, argv, "k:s:p:e:o:d:ut:v:", opts, NULL)) != -1) {
        switch (c) {
        case 'k':
            spec.kind = optarg;
            break;
        case 's':
            spec.subject = optarg;
            break;
        case 'p':
            spec.period = optarg;
            break;
        case 'e':
            spec.employee_no = optarg;
            break;
        case 'o':
            spec.org_code = optarg;
            break;
        case 'd':
            if ((rc = fcctl_time_arg("--due", optarg, &spec.due_us)) != FCCTL_OK)
                return rc;
            break;
        case 'u':
            spec.urgent = 1;
            break;
        case 't':
            spec.recipients = to;
            spec.n_recipients = s_split(optarg, to, FCCTL_MAX_LIST);
            break;
        case 'v': {
            char *eq = strchr(optarg, '=');
            if (!eq || spec.n_vars == FCCTL_MAX_LIST) {
                fprintf(stderr, "fcctl: --var 须为 名称=值\n");
                return FCCTL_EUSAGE;
            }
            *eq = '\0';
            Fc__V1__ReminderSpec__VarsEntry *v = &vars[spec.n_vars];
            fc__v1__reminder_spec__vars_entry__init(v);
            v->key = optarg;
            v->value = eq + 1;
            pvars[spec.n_vars++] = v;
            spec.vars = pvars;
            break;
        }
        default:
            return FCCTL_EUSAGE;
        }
    }
    if (optind != argc)
        return FCCTL_EUSAGE;
    Fc__V1__ReminderSpec *specs[] = {&spec};
    Fc__V1__RemindRequest req = FC__V1__REMIND_REQUEST__INIT;
    req.reminders = specs;
    req.n_reminders = 1;
    ProtobufCMessage *reply = NULL;
    rc = fcctl_call(ctl, "notify", "notify.remind", &req.base, &fc__v1__remind_reply__descriptor,
                    &reply);
    if (rc != FCCTL_OK)
        return rc;
    const Fc__V1__RemindReply *r = (const Fc__V1__RemindReply *)reply;
    if (ctl->json)
        fcctl_print_json(reply);
    else
        printf("%s\n",
               r->created ? "提醒已登记" : "同一提醒（类别、事由、周期）已存在，未重复登记");
    protobuf_c_message_free_unpacked(reply, NULL);
    return FCCTL_OK;
}

static int cmd_retry(fcctl_t *ctl, int argc, char **argv)
{
    if (argc != 2)
        return FCCTL_EUSAGE;
    Fc__V1__RetryRequest req = FC__V1__RETRY_REQUEST__INIT;
    req.delivery_id = atoll(argv[1]);
    ProtobufCMessage *reply = NULL;
    int rc = fcctl_call(ctl, "notify", "notify.retry", &req.base, &fc__v1__retry_reply__descriptor,
                        &reply);
    if (rc != FCCTL_OK)
        return rc;
    if (ctl->json)
        fcctl_print_json(reply);
    else
        printf("投递 %s 已重新排队\n", argv[1]);
    protobuf_c_message_free_unpacked(reply, NULL);
    return FCCTL_OK;
}

const fcctl_cmd_t fcctl_notify_cmds[] = {
    {"inbox", "inbox EMPNO|@ORG [--unread] [--read] [--limit N]",
     "a person's (or department's) in-app inbox; --read marks what is shown as read", cmd_inbox},
    {"notify status",
     "notify status [--recipient R] [--kind K] [--subject S] [--state S] [--reminder ID] "
     "[--limit N]",
     "messages with their delivery state per channel", cmd_status},
    {"notify tasks",
     "notify tasks [--state open|done|cancelled] [--kind K] [--employee E] "
     "[--org ORG] [--limit N]",
     "tasks (visits, talks, checks, weekly reports) and whether they were done", cmd_tasks},
    {"notify done",
     "notify done TASK_ID | --kind K --subject S [--period P]  [--note TEXT] "
     "[--at TIME]",
     "record a task done: its pending reminders and escalation are cancelled", cmd_done},
    {"notify desk",
     "notify desk ORG [--name N] [--wecom URL] [--email E] [--phone P] "
     "[--lang zh|en] [--channels wecom,email,...]",
     "where an organisation department receives messages", cmd_desk},
    {"notify prefs",
     "notify prefs EMPNO [--channels inbox,sms,...] [--lang zh|en] [--email E] "
     "[--wecom URL]",
     "a person's channels and language", cmd_prefs},
    {"notify secretary", "notify secretary ORG [EMPNO]",
     "the Party branch secretary of a unit (no EMPNO: clear)", cmd_secretary},
    {"notify campaign", "notify campaign health_check [--org ORG]",
     "the post-epidemic free health check for everyone who served, weekly until done",
     cmd_campaign},
    {"notify remind",
     "notify remind --subject S --to person,secretary,... [--kind notice] "
     "[--employee E] [--org ORG] [--period P] [--due TIME] [--urgent] "
     "[--var name=value ...]",
     "an ad-hoc reminder (once per kind, subject and period)", cmd_remind},
    {"notify retry", "notify retry DELIVERY_ID", "give a dead delivery a fresh set of attempts",
     cmd_retry},
    {NULL, NULL, NULL, NULL},
};

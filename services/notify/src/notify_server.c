/* notify_server: handlers of notify's RPC routes. Every input is checked before anything is
 * written; errors name the field and say why in Chinese. */
#include "notify_server.h"
#include "fc/v1/notify.pb-c.h"
#include "fc_clock.h"
#include "fc_log.h"
#include "fc_pb.h"
#include "notify_app.h"
#include "notify_remind.h"
#include "notify_rules.h"
#include "notify_schedule.h"
#include "notify_store.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define S_MAX_REMINDERS 10000
#define S_MAX_RECIPIENT_TOKENS 8
#define S_MAX_TEXT 4000

static int s_group_wide(const fc_call_t *call)
{
    return strcmp(fc_call_role(call), "service") == 0 && !*fc_call_scope(call);
}

/* The caller's scope for queries: "" = everything. */
static const char *s_scope(const fc_call_t *call)
{
    return s_group_wide(call) ? "" : fc_call_scope(call);
}

static int s_check_org(fc_service_t *svc, const fc_call_t *call, const char *org, const char *field,
                       fc_err_t *err)
{
    if (s_group_wide(call))
        return FC_OK;
    const char *scope = fc_call_scope(call);
    if (!*scope)
        return fc_err_set(err, FC_EDENIED, "org_scope", "请求未携带组织范围");
    int in = 0;
    int rc = notify_store_in_scope(fc_service_pg(svc), scope, org, &in, err);
    if (rc == FC_OK && !in)
        rc = fc_err_set(err, FC_EDENIED, field, "组织“%s”不在您的管辖范围“%s”内", org, scope);
    return rc;
}

static int s_indexed(int rc, const char *list, size_t i, fc_err_t *err)
{
    char prefix[48];
    snprintf(prefix, sizeof prefix, "%s[%zu]", list, i);
    fc_err_prefix_field(err, prefix);
    return rc;
}

static int s_check_channels(char *const *names, size_t n, fc_err_t *err)
{
    notify_chanlist_t l;
    if (n > NOTIFY_MAX_CHANNELS)
        return fc_err_set(err, FC_EINVAL, "channels", "最多 %d 个渠道", NOTIFY_MAX_CHANNELS);
    return notify_chanlist_parse((const char *const *)names, (int)n, &l, err);
}

static int s_check_lang(const char *lang, fc_err_t *err)
{
    if (*lang && !notify_lang_known(lang))
        return fc_err_set(err, FC_EINVAL, "lang", "语言“%s”无效（可用：zh、en）", lang);
    return FC_OK;
}

static int s_check_addresses(const char *wecom, const char *email, const char *phone, fc_err_t *err)
{
    if (*wecom && !notify_url_valid(wecom))
        return fc_err_set(err, FC_EINVAL, "wecom_url", "企业微信机器人地址“%s”无效", wecom);
    if (*email && !notify_email_valid(email))
        return fc_err_set(err, FC_EINVAL, "email", "电子邮件地址“%s”无效", email);
    if (phone && *phone && !notify_phone_valid(phone, NULL))
        return fc_err_set(err, FC_EINVAL, "phone", "手机号码“%s”无效", phone);
    return FC_OK;
}

/* ---- tasks ------------------------------------------------------------------------------- */

static int handle_task_done(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__TaskDoneRequest *req = (const Fc__V1__TaskDoneRequest *)call->request;
    notify_app_t *app = notify_app(svc);
    fc_pg_t *pg = fc_service_pg(svc);
    if (req->task_id < 0)
        return fc_err_set(err, FC_EINVAL, "task_id", "任务编号须为正数");
    if (req->task_id == 0 && (!*req->kind || !*req->subject))
        return fc_err_set(err, FC_EINVAL, "task_id", "须提供 task_id，或 kind 与 subject");
    if (strlen(req->note) > S_MAX_TEXT)
        return fc_err_set(err, FC_EINVAL, "note", "备注过长（最多 %d 字节）", S_MAX_TEXT);
    int64_t now = fc_clock_now_us();
    if (req->at_us > now)
        return fc_err_set(err, FC_EINVAL, "at_us", "完成时间不能晚于当前时间");
    int64_t id = 0;
    int cancelled = 0, already = 0;
    Fc__V1__Task *t = NULL;
    int rc = notify_task_done(app, pg, req->task_id, req->kind, req->subject, req->period,
                              req->at_us ? req->at_us : now, fc_call_actor(call), req->note, 0, &id,
                              &cancelled, &already, err);
    if (rc == FC_OK)
        rc = notify_store_task_get(pg, id, call->arena, &t, err);
    /* the scope is checked on the task's unit; a refusal rolls everything back */
    /* a discrimination case or a village assignment is closed by its step in intake */
    if (rc == FC_OK && notify_task_follows_intake(t->kind) && !already)
        rc = fc_err_set(err, FC_ECONFLICT, "kind",
                        "“%s”任务随 intake 中的记录办结：歧视事件请登记办理步骤（discrimination "
                        "step），驻村第一书记请登记返岗（village update --returned）",
                        t->kind);
    if (rc == FC_OK && *t->org_code)
        rc = s_check_org(svc, call, t->org_code, "task_id", err);
    else if (rc == FC_OK && !s_group_wide(call))
        rc = fc_err_set(err, FC_EDENIED, "task_id", "该任务不属于任何组织，只有集团可以登记");
    if (rc != FC_OK)
        return rc;
    Fc__V1__TaskDoneReply *reply = fc_arena_alloc(call->arena, sizeof *reply);
    fc__v1__task_done_reply__init(reply);
    reply->task = t;
    reply->cancelled_reminders = cancelled;
    reply->already_done = already;
    call->reply = &reply->base;
    fc_log_info("notify.task_done", "task_id", FC_LI(id), "kind", FC_LS(t->kind), "cancelled",
                FC_LI(cancelled), "already", FC_LI(already), NULL);
    return FC_OK;
}

static int handle_tasks(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__TaskListRequest *req = (const Fc__V1__TaskListRequest *)call->request;
    if (*req->state && strcmp(req->state, "open") != 0 && strcmp(req->state, "done") != 0 &&
        strcmp(req->state, "cancelled") != 0)
        return fc_err_set(err, FC_EINVAL, "state", "任务状态“%s”无效（open、done、cancelled）",
                          req->state);
    if (!s_group_wide(call) && !*fc_call_scope(call))
        return fc_err_set(err, FC_EDENIED, "org_scope", "请求未携带组织范围");
    Fc__V1__TaskListReply *reply = fc_arena_alloc(call->arena, sizeof *reply);
    fc__v1__task_list_reply__init(reply);
    int rc =
        notify_store_task_list(fc_service_pg(svc), req, s_scope(call), call->arena, reply, err);
    if (rc == FC_OK)
        call->reply = &reply->base;
    return rc;
}

/* ---- ad-hoc reminders ---------------------------------------------------------------------- */

static int s_check_token(const char *t, const Fc__V1__ReminderSpec *s, fc_err_t *err)
{
    if (strcmp(t, "person") == 0 || strcmp(t, "secretary") == 0) {
        if (strcmp(t, "person") == 0 && !*s->employee_no)
            return fc_err_set(err, FC_EINVAL, "employee_no", "收件人 person 需要 employee_no");
        if (!*s->employee_no && !*s->org_code)
            return fc_err_set(err, FC_EINVAL, "org_code", "收件人 %s 需要 employee_no 或 org_code",
                              t);
        return FC_OK;
    }
    if (strcmp(t, "subsidiary") == 0 || strcmp(t, "group") == 0)
        return FC_OK;
    if ((strncmp(t, "emp:", 4) == 0 || strncmp(t, "desk:", 5) == 0) && strchr(t, ':')[1])
        return FC_OK;
    /* no field of its own: the caller names it "recipients[i]" */
    return fc_err_set(err, FC_EINVAL, NULL,
                      "收件人“%s”无效（person、secretary、subsidiary、group、emp:工号、desk:组织）",
                      t);
}

static int s_check_spec(fc_service_t *svc, const fc_call_t *call, const Fc__V1__ReminderSpec *s,
                        char *org, size_t org_n, fc_err_t *err)
{
    notify_app_t *app = notify_app(svc);
    if (!*s->kind)
        return fc_err_set(err, FC_EINVAL, "kind", "缺少消息类别 kind");
    if (!notify_templates_has(app->templates, s->kind))
        return fc_err_set(err, FC_EINVAL, "kind", "没有“%s”类消息的模板", s->kind);
    if (!*s->subject)
        return fc_err_set(err, FC_EINVAL, "subject", "缺少事由 subject（去重依据）");
    if (strlen(s->subject) > 96 || strlen(s->period) > 32 || strlen(s->kind) > 48)
        return fc_err_set(err, FC_EINVAL, "subject", "kind、subject 或 period 过长");
    if (s->n_recipients == 0 || s->n_recipients > S_MAX_RECIPIENT_TOKENS)
        return fc_err_set(err, FC_EINVAL, "recipients", "须指定 1 到 %d 个收件人",
                          S_MAX_RECIPIENT_TOKENS);
    for (size_t i = 0; i < s->n_recipients; i++) {
        int rc = s_check_token(s->recipients[i], s, err);
        if (rc != FC_OK) /* a missing employee_no / org_code names that field itself */
            return err->field[0] ? rc : s_indexed(rc, "recipients", i, err);
    }
    if (s->due_us < 0)
        return fc_err_set(err, FC_EINVAL, "due_us", "到期时间无效");
    for (size_t i = 0; i < s->n_vars; i++)
        if (strlen(s->vars[i]->value) > S_MAX_TEXT)
            return fc_err_set(err, FC_EINVAL, "vars", "变量“%s”过长", s->vars[i]->key);
    snprintf(org, org_n, "%s", s->org_code);
    if (!*org && *s->employee_no) {
        int rc = notify_store_recipient_org(fc_service_pg(svc), s->employee_no, org, org_n, err);
        if (rc == FC_ENOTFOUND && s_group_wide(call))
            rc = FC_OK, org[0] = '\0';
        if (rc != FC_OK)
            return rc;
    }
    if (*org)
        return s_check_org(svc, call, org, "org_code", err);
    return s_group_wide(call) ? FC_OK
                              : fc_err_set(err, FC_EDENIED, "org_code", "须指定提醒所属的组织");
}

static int handle_remind(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__RemindRequest *req = (const Fc__V1__RemindRequest *)call->request;
    notify_app_t *app = notify_app(svc);
    fc_pg_t *pg = fc_service_pg(svc);
    if (req->n_reminders == 0 || req->n_reminders > S_MAX_REMINDERS)
        return fc_err_set(err, FC_EINVAL, "reminders", "一次须提交 1 到 %d 条提醒",
                          S_MAX_REMINDERS);
    char(*orgs)[64] = fc_arena_alloc(call->arena, req->n_reminders * sizeof *orgs);
    for (size_t i = 0; i < req->n_reminders; i++) {
        int rc = s_check_spec(svc, call, req->reminders[i], orgs[i], sizeof orgs[i], err);
        if (rc != FC_OK)
            return s_indexed(rc, "reminders", i, err);
    }
    Fc__V1__RemindReply *reply = fc_arena_alloc(call->arena, sizeof *reply);
    fc__v1__remind_reply__init(reply);
    int64_t now = fc_clock_now_us();
    for (size_t i = 0; i < req->n_reminders; i++) {
        const Fc__V1__ReminderSpec *s = req->reminders[i];
        json_t *vars = json_object();
        for (size_t k = 0; k < s->n_vars; k++)
            json_object_set_new(vars, s->vars[k]->key, json_string(s->vars[k]->value));
        notify_reminder_spec_t r = {s->kind,
                                    s->subject,
                                    s->period,
                                    s->employee_no,
                                    orgs[i],
                                    s->due_us ? s->due_us : now,
                                    s->urgent,
                                    0,
                                    0,
                                    (const char *const *)s->recipients,
                                    (int)s->n_recipients,
                                    NULL};
        int created = 0;
        int rc = notify_remind_add(app, pg, &r, vars, now, &created, err);
        json_decref(vars);
        if (rc != FC_OK)
            return s_indexed(rc, "reminders", i, err);
        reply->created += created;
        reply->duplicates += !created;
    }
    call->reply = &reply->base;
    return FC_OK;
}

/* ---- recipients -------------------------------------------------------------------------- */

static int handle_desk_set(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__DeskSetRequest *req = (const Fc__V1__DeskSetRequest *)call->request;
    int rc = fc_pb_require(&req->base, "org_code", err);
    if (rc == FC_OK)
        rc = s_check_addresses(req->wecom_url, req->email, req->phone, err);
    if (rc == FC_OK)
        rc = s_check_lang(req->lang, err);
    if (rc == FC_OK)
        rc = s_check_channels(req->channels, req->n_channels, err);
    if (rc == FC_OK)
        rc = s_check_org(svc, call, req->org_code, "org_code", err);
    Fc__V1__DeskSetReply *reply = fc_arena_alloc(call->arena, sizeof *reply);
    fc__v1__desk_set_reply__init(reply);
    int inserted = 0;
    if (rc == FC_OK)
        rc = notify_store_desk_set(fc_service_pg(svc), req, &inserted, err);
    if (rc != FC_OK)
        return rc;
    reply->inserted = inserted;
    call->reply = &reply->base;
    return FC_OK;
}

static int handle_pref_set(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__PrefSetRequest *req = (const Fc__V1__PrefSetRequest *)call->request;
    int rc = fc_pb_require(&req->base, "employee_no", err);
    if (rc == FC_OK)
        rc = s_check_addresses(req->wecom_url, req->email, NULL, err);
    if (rc == FC_OK)
        rc = s_check_lang(req->lang, err);
    if (rc == FC_OK)
        rc = s_check_channels(req->channels, req->n_channels, err);
    char org[64] = "";
    if (rc == FC_OK && !s_group_wide(call)) {
        rc = notify_store_recipient_org(fc_service_pg(svc), req->employee_no, org, sizeof org, err);
        if (rc == FC_OK)
            rc = s_check_org(svc, call, org, "employee_no", err);
    }
    int inserted = 0;
    if (rc == FC_OK)
        rc = notify_store_pref_set(fc_service_pg(svc), req, &inserted, err);
    if (rc != FC_OK)
        return rc;
    Fc__V1__PrefSetReply *reply = fc_arena_alloc(call->arena, sizeof *reply);
    fc__v1__pref_set_reply__init(reply);
    reply->inserted = inserted;
    call->reply = &reply->base;
    return FC_OK;
}

static int handle_secretary_set(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__SecretarySetRequest *req = (const Fc__V1__SecretarySetRequest *)call->request;
    int rc = fc_pb_require(&req->base, "org_code", err);
    char org[64];
    if (rc == FC_OK && *req->employee_no &&
        notify_store_recipient_org(fc_service_pg(svc), req->employee_no, org, sizeof org, err) !=
            FC_OK)
        rc = err->code;
    if (rc == FC_OK)
        rc = s_check_org(svc, call, req->org_code, "org_code", err);
    int changed = 0;
    if (rc == FC_OK)
        rc = notify_store_secretary_set(fc_service_pg(svc), req->org_code, req->employee_no,
                                        &changed, err);
    if (rc != FC_OK)
        return rc;
    Fc__V1__SecretarySetReply *reply = fc_arena_alloc(call->arena, sizeof *reply);
    fc__v1__secretary_set_reply__init(reply);
    reply->changed = changed;
    call->reply = &reply->base;
    return FC_OK;
}

static int handle_campaign(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__CampaignStartRequest *req = (const Fc__V1__CampaignStartRequest *)call->request;
    if (strcmp(req->kind, "health_check") != 0)
        return fc_err_set(err, FC_EINVAL, "kind", "活动类别“%s”无效（目前只有 health_check）",
                          req->kind);
    const char *org = *req->org_code ? req->org_code : s_scope(call);
    if (!*org && !s_group_wide(call))
        return fc_err_set(err, FC_EDENIED, "org_scope", "请求未携带组织范围");
    int rc = *org ? s_check_org(svc, call, org, "org_code", err) : FC_OK;
    int64_t now = fc_clock_now_us();
    int tasks = 0, existing = 0;
    if (rc == FC_OK)
        rc = notify_schedule_campaign(notify_app(svc), fc_service_pg(svc), org,
                                      req->at_us ? req->at_us : now, &tasks, &existing, err);
    if (rc != FC_OK)
        return rc;
    Fc__V1__CampaignStartReply *reply = fc_arena_alloc(call->arena, sizeof *reply);
    fc__v1__campaign_start_reply__init(reply);
    reply->tasks = tasks;
    reply->existing = existing;
    call->reply = &reply->base;
    fc_log_info("notify.campaign_started", "kind", FC_LS(req->kind), "org", FC_LS(org), "tasks",
                FC_LI(tasks), NULL);
    return FC_OK;
}

/* ---- status, inbox, retry ---------------------------------------------------------------- */

static int handle_status(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__StatusRequest *req = (const Fc__V1__StatusRequest *)call->request;
    static const char *states[] = {"", "queued", "sending", "sent", "failed", "dead", "cancelled"};
    int known = 0;
    for (size_t i = 0; i < sizeof states / sizeof states[0]; i++)
        known |= strcmp(req->state, states[i]) == 0;
    if (!known)
        return fc_err_set(err, FC_EINVAL, "state",
                          "投递状态“%s”无效（queued、sending、sent、failed、dead、cancelled）",
                          req->state);
    if (!s_group_wide(call) && !*fc_call_scope(call))
        return fc_err_set(err, FC_EDENIED, "org_scope", "请求未携带组织范围");
    Fc__V1__StatusReply *reply = fc_arena_alloc(call->arena, sizeof *reply);
    fc__v1__status_reply__init(reply);
    int rc = notify_store_status(fc_service_pg(svc), req, s_scope(call), call->arena, reply, err);
    if (rc == FC_OK)
        call->reply = &reply->base;
    return rc;
}

static int handle_inbox(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__InboxRequest *req = (const Fc__V1__InboxRequest *)call->request;
    int rc = fc_pb_require(&req->base, "recipient", err);
    char org[64];
    if (rc == FC_OK && !s_group_wide(call)) {
        rc = notify_store_recipient_org(fc_service_pg(svc), req->recipient, org, sizeof org, err);
        if (rc == FC_OK)
            rc = s_check_org(svc, call, org, "recipient", err);
    }
    Fc__V1__InboxReply *reply = fc_arena_alloc(call->arena, sizeof *reply);
    fc__v1__inbox_reply__init(reply);
    if (rc == FC_OK)
        rc =
            notify_store_inbox(fc_service_pg(svc), req, fc_clock_now_us(), call->arena, reply, err);
    if (rc == FC_OK)
        call->reply = &reply->base;
    return rc;
}

static int handle_retry(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__RetryRequest *req = (const Fc__V1__RetryRequest *)call->request;
    if (req->delivery_id <= 0)
        return fc_err_set(err, FC_EINVAL, "delivery_id", "投递编号须为正数");
    if (!s_group_wide(call))
        return fc_err_set(err, FC_EDENIED, "delivery_id", "只有集团运维可以重试投递");
    char job[FC_ID_LEN + 1];
    Fc__V1__RetryReply *reply = fc_arena_alloc(call->arena, sizeof *reply);
    fc__v1__retry_reply__init(reply);
    int rc = notify_store_retry(fc_service_pg(svc), req->delivery_id, fc_clock_now_us(), job,
                                call->arena, &reply->delivery, err);
    if (rc != FC_OK)
        return rc;
    notify_app_dispatch_later(notify_app(svc), job);
    call->reply = &reply->base;
    return FC_OK;
}

const fc_route_t notify_routes[] = {
    {"notify.task_done", &fc__v1__task_done_request__descriptor, handle_task_done, FC_ROUTE_WRITE},
    {"notify.tasks", &fc__v1__task_list_request__descriptor, handle_tasks, 0},
    {"notify.remind", &fc__v1__remind_request__descriptor, handle_remind, FC_ROUTE_WRITE},
    {"notify.desk_set", &fc__v1__desk_set_request__descriptor, handle_desk_set, FC_ROUTE_WRITE},
    {"notify.pref_set", &fc__v1__pref_set_request__descriptor, handle_pref_set, FC_ROUTE_WRITE},
    {"notify.secretary_set", &fc__v1__secretary_set_request__descriptor, handle_secretary_set,
     FC_ROUTE_WRITE},
    {"notify.campaign_start", &fc__v1__campaign_start_request__descriptor, handle_campaign,
     FC_ROUTE_WRITE},
    {"notify.status", &fc__v1__status_request__descriptor, handle_status, 0},
    {"notify.inbox", &fc__v1__inbox_request__descriptor, handle_inbox, 0},
    {"notify.retry", &fc__v1__retry_request__descriptor, handle_retry, FC_ROUTE_WRITE},
};
const size_t notify_nroutes = sizeof notify_routes / sizeof notify_routes[0];

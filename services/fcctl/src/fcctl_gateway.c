/* fcctl_gateway: API tokens (`token create|revoke|list`) and the audit log (`audit`), through
 * the gateway's gateway.* RPC types. */
#include "fcctl.h"
#include "fc/v1/gateway.pb-c.h"
#include "fc_clock.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Terminal columns of UTF-8 text: East Asian wide characters take two. */
static int s_columns(const char *s)
{
    int cols = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        unsigned cp = *p;
        int len = cp < 0x80 ? 1 : cp < 0xE0 ? 2 : cp < 0xF0 ? 3 : 4;
        if (len == 3)
            cp = ((p[0] & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
        cols += (len == 3 && cp >= 0x2E80 && cp <= 0xFFEF && !(cp >= 0xD800 && cp <= 0xF8FF)) ||
                        len == 4
                    ? 2
                    : 1;
        for (int i = 0; i < len && *p; i++)
            p++;
    }
    return cols;
}

/* Prints s padded with spaces to width columns, then two spaces. */
static void s_cell(const char *s, int width)
{
    int pad = width - s_columns(s);
    printf("%s%*s  ", s, pad > 0 ? pad : 0, "");
}

/* "2026-11-22 14:00:00" (Asia/Shanghai) or "—" for 0. */
static const char *s_when(int64_t us, char *buf, size_t n)
{
    if (!us)
        snprintf(buf, n, "—");
    else
        fc_time_format_local(us, buf, n);
    return buf;
}

static int cmd_token_create(fcctl_t *ctl, int argc, char **argv)
{
    Fc__V1__TokenCreateRequest req = FC__V1__TOKEN_CREATE_REQUEST__INIT;
    const char *expires = NULL;
    static const struct option opts[] = {{"name", required_argument, NULL, 'n'},
                                         {"role", required_argument, NULL, 'r'},
                                         {"org", required_argument, NULL, 'o'},
                                         {"expires", required_argument, NULL, 'e'},
                                         {0}};
    int c;
    while ((c = getopt_long(argc, argv, "n:r:o:e:", opts, NULL)) != -1) {
        switch (c) {
        case 'n':
            req.name = optarg;
            break;
        case 'r':
            req.role = optarg;
            break;
        case 'o':
            req.org_scope = optarg;
            break;
        case 'e':
            expires = optarg;
            break;
        default:
            return FCCTL_EUSAGE;
        }
    }
    if (optind != argc)
        return FCCTL_EUSAGE;
    fc_err_t err;
    if (expires && fc_time_parse(expires, &req.expires_us, &err) != FC_OK) {
        fprintf(stderr, "fcctl: --expires: %s\n", err.message);
        return FCCTL_EUSAGE;
    }
    ProtobufCMessage *reply = NULL;
    int rc = fcctl_call(ctl, "gateway", "gateway.token_create", &req.base,
                        &fc__v1__token_create_reply__descriptor, &reply);
    if (rc != FCCTL_OK)
        return rc;
    const Fc__V1__TokenCreateReply *r = (const Fc__V1__TokenCreateReply *)reply;
    if (ctl->json) {
        fcctl_print_json(reply);
    } else if (r->token) {
        char when[40];
        printf("令牌已签发（明文只显示这一次，请妥善保存）：\n"
               "  编号      %s\n  名称      %s\n  角色      %s\n  组织范围  %s\n  过期      %s\n"
               "  令牌      %s\n",
               r->token->token_id, r->token->name, r->token->role, r->token->org_scope,
               s_when(r->token->expires_us, when, sizeof when), r->secret);
    }
    protobuf_c_message_free_unpacked(reply, NULL);
    return FCCTL_OK;
}

static int cmd_token_revoke(fcctl_t *ctl, int argc, char **argv)
{
    Fc__V1__TokenRevokeRequest req = FC__V1__TOKEN_REVOKE_REQUEST__INIT;
    static const struct option opts[] = {{"reason", required_argument, NULL, 'r'}, {0}};
    int c;
    while ((c = getopt_long(argc, argv, "r:", opts, NULL)) != -1) {
        if (c == 'r')
            req.reason = optarg;
        else
            return FCCTL_EUSAGE;
    }
    if (optind != argc - 1)
        return FCCTL_EUSAGE;
    req.token_id = argv[optind];
    ProtobufCMessage *reply = NULL;
    int rc = fcctl_call(ctl, "gateway", "gateway.token_revoke", &req.base,
                        &fc__v1__token_revoke_reply__descriptor, &reply);
    if (rc != FCCTL_OK)
        return rc;
    const Fc__V1__TokenRevokeReply *r = (const Fc__V1__TokenRevokeReply *)reply;
    if (ctl->json)
        fcctl_print_json(reply);
    else
        printf("令牌 %s：%s\n", req.token_id, r->changed ? "已吊销，立即生效" : "早已吊销");
    protobuf_c_message_free_unpacked(reply, NULL);
    return FCCTL_OK;
}

static int cmd_token_list(fcctl_t *ctl, int argc, char **argv)
{
    Fc__V1__TokenListRequest req = FC__V1__TOKEN_LIST_REQUEST__INIT;
    static const struct option opts[] = {{"all", no_argument, NULL, 'a'}, {0}};
    int c;
    while ((c = getopt_long(argc, argv, "a", opts, NULL)) != -1) {
        if (c == 'a')
            req.include_revoked = 1;
        else
            return FCCTL_EUSAGE;
    }
    if (optind != argc)
        return FCCTL_EUSAGE;
    ProtobufCMessage *reply = NULL;
    int rc = fcctl_call(ctl, "gateway", "gateway.token_list", &req.base,
                        &fc__v1__token_list_reply__descriptor, &reply);
    if (rc != FCCTL_OK)
        return rc;
    const Fc__V1__TokenListReply *r = (const Fc__V1__TokenListReply *)reply;
    if (ctl->json) {
        fcctl_print_json(reply);
    } else {
        static const char *head[] = {"编号", "角色", "组织范围", "签发", "最近使用", "状态"};
        static const int width[] = {26, 16, 10, 19, 19, 6};
        for (int k = 0; k < 6; k++)
            s_cell(head[k], width[k]);
        printf("名称\n");
        int64_t now = fc_clock_now_us();
        for (size_t i = 0; i < r->n_tokens; i++) {
            const Fc__V1__Token *t = r->tokens[i];
            char created[40], used[40];
            const char *state = t->revoked_us                           ? "已吊销"
                                : t->expires_us && t->expires_us <= now ? "已过期"
                                                                        : "有效";
            const char *cells[] = {t->token_id,
                                   t->role,
                                   t->org_scope,
                                   s_when(t->created_us, created, sizeof created),
                                   s_when(t->last_used_us, used, sizeof used),
                                   state};
            for (int k = 0; k < 6; k++)
                s_cell(cells[k], width[k]);
            printf("%s\n", t->name);
        }
        printf("共 %zu 个令牌\n", r->n_tokens);
    }
    protobuf_c_message_free_unpacked(reply, NULL);
    return FCCTL_OK;
}

static int cmd_audit(fcctl_t *ctl, int argc, char **argv)
{
    Fc__V1__AuditQueryRequest req = FC__V1__AUDIT_QUERY_REQUEST__INIT;
    const char *since = NULL;
    static const struct option opts[] = {{"person", required_argument, NULL, 'p'},
                                         {"token", required_argument, NULL, 't'},
                                         {"since", required_argument, NULL, 's'},
                                         {"limit", required_argument, NULL, 'l'},
                                         {0}};
    int c;
    while ((c = getopt_long(argc, argv, "p:t:s:l:", opts, NULL)) != -1) {
        switch (c) {
        case 'p':
            req.employee_no = optarg;
            break;
        case 't':
            req.token_id = optarg;
            break;
        case 's':
            since = optarg;
            break;
        case 'l': {
            char *end = NULL;
            long v = strtol(optarg, &end, 10);
            if (*end || v < 1 || v > 1000) {
                fprintf(stderr, "fcctl: --limit: \"%s\" is not a number from 1 to 1000\n", optarg);
                return FCCTL_EUSAGE;
            }
            req.limit = (int32_t)v;
            break;
        }
        default:
            return FCCTL_EUSAGE;
        }
    }
    if (optind != argc)
        return FCCTL_EUSAGE;
    fc_err_t err;
    if (since && fc_time_parse(since, &req.since_us, &err) != FC_OK) {
        fprintf(stderr, "fcctl: --since: %s\n", err.message);
        return FCCTL_EUSAGE;
    }
    ProtobufCMessage *reply = NULL;
    int rc = fcctl_call(ctl, "gateway", "gateway.audit_query", &req.base,
                        &fc__v1__audit_query_reply__descriptor, &reply);
    if (rc != FCCTL_OK)
        return rc;
    const Fc__V1__AuditQueryReply *r = (const Fc__V1__AuditQueryReply *)reply;
    if (ctl->json) {
        fcctl_print_json(reply);
    } else {
        static const char *head[] = {"时间", "阶段", "结果", "方法", "操作", "操作者", "来源"};
        static const int width[] = {19, 4, 4, 4, 26, 24, 21};
        for (int k = 0; k < 7; k++)
            s_cell(head[k], width[k]);
        printf("涉及记录\n");
        for (size_t i = 0; i < r->n_entries; i++) {
            const Fc__V1__AuditEntry *e = r->entries[i];
            int attempt = strcmp(e->phase, "attempt") == 0;
            char when[40], result[16] = "—", who[256], subjects[160] = "";
            size_t off = 0, k = 0;
            for (; k < e->n_subjects && off < sizeof subjects - 40; k++)
                off += (size_t)snprintf(subjects + off, sizeof subjects - off, "%s%s", k ? "," : "",
                                        e->subjects[k]);
            if (k < e->n_subjects)
                snprintf(subjects + off, sizeof subjects - off, "…（共 %zu 人）", e->n_subjects);
            if (!attempt)
                snprintf(result, sizeof result, "%d", e->status);
            snprintf(who, sizeof who, "%s(%s)", e->actor, e->role);
            const char *cells[] = {s_when(e->at_us, when, sizeof when),
                                   attempt ? "提交" : "结果",
                                   result,
                                   e->method,
                                   e->operation,
                                   who,
                                   e->remote_addr};
            for (int col = 0; col < 7; col++)
                s_cell(cells[col], width[col]);
            printf("%s %s\n", subjects, e->record);
        }
        printf("共 %zu 条\n", r->n_entries);
    }
    protobuf_c_message_free_unpacked(reply, NULL);
    return FCCTL_OK;
}

const fcctl_cmd_t fcctl_gateway_cmds[] = {
    {"token create", "token create --name NAME --role ROLE --org ORG [--expires TIME]",
     "issues an API token (group_admin, org_admin, branch_secretary or viewer) for the subtree "
     "of ORG; the secret is shown once",
     cmd_token_create},
    {"token revoke", "token revoke TOKEN_ID [--reason TEXT]",
     "revokes an API token; the next request with it gets 401", cmd_token_revoke},
    {"token list", "token list [--all]", "lists API tokens (with --all also revoked ones)",
     cmd_token_list},
    {"audit", "audit [--person EMPNO] [--token TOKEN_ID] [--since TIME] [--limit N]",
     "shows the audit log of the API (writes and reads of sensitive data), newest first",
     cmd_audit},
    {NULL, NULL, NULL, NULL},
};

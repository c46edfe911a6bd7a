/* gateway_rules: what a token and an audit query must look like. */
#include "gateway_rules.h"
#include "gateway_routes.h"
#include "fc_id.h"

#include <string.h>

#define S_NAME_MAX_BYTES 600 /* 200 characters of Chinese text */

int gateway_rules_code(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n < 1 || n > 32)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
              *s == '_' || *s == '.' || *s == '-'))
            return 0;
    return 1;
}

int gateway_rules_token_create(const Fc__V1__TokenCreateRequest *req, int64_t now_us, fc_err_t *err)
{
    if (!req->name[0])
        return fc_err_set(err, FC_EINVAL, "name", "须填写令牌用途或持有人");
    if (strlen(req->name) > S_NAME_MAX_BYTES)
        return fc_err_set(err, FC_EINVAL, "name", "名称过长（最多 200 个字）");
    if (gateway_role_parse(req->role) == GW_ROLE_NONE)
        return fc_err_set(err, FC_EINVAL, "role",
                          "角色“%s”无效，应为 group_admin、org_admin、branch_secretary 或 viewer",
                          req->role);
    if (!gateway_rules_code(req->org_scope))
        return fc_err_set(err, FC_EINVAL, "org_scope", "组织范围“%s”不是有效的组织代码",
                          req->org_scope);
    if (req->expires_us < 0 || (req->expires_us > 0 && req->expires_us <= now_us))
        return fc_err_set(err, FC_EINVAL, "expires_us", "过期时间须晚于当前时间");
    return FC_OK;
}

int gateway_rules_token_revoke(const Fc__V1__TokenRevokeRequest *req, fc_err_t *err)
{
    if (!fc_id_valid(req->token_id))
        return fc_err_set(err, FC_EINVAL, "token_id", "令牌编号“%s”格式不对", req->token_id);
    if (strlen(req->reason) > S_NAME_MAX_BYTES)
        return fc_err_set(err, FC_EINVAL, "reason", "原因过长");
    return FC_OK;
}

int gateway_rules_audit_query(const Fc__V1__AuditQueryRequest *req, fc_err_t *err)
{
    if (req->employee_no[0] && !gateway_rules_code(req->employee_no))
        return fc_err_set(err, FC_EINVAL, "employee_no", "工号“%s”格式不对", req->employee_no);
    if (req->token_id[0] && !fc_id_valid(req->token_id))
        return fc_err_set(err, FC_EINVAL, "token_id", "令牌编号“%s”格式不对", req->token_id);
    if (req->limit < 0 || req->limit > GATEWAY_AUDIT_MAX_LIMIT)
        return fc_err_set(err, FC_EINVAL, "limit", "条数须在 0 到 %d 之间",
                          GATEWAY_AUDIT_MAX_LIMIT);
    if (req->since_us < 0)
        return fc_err_set(err, FC_EINVAL, "since_us", "起始时间不能为负");
    return FC_OK;
}
